"""Reading and writing: bytes to text (encodings, binary files, HTML pages) and atomic output files."""
