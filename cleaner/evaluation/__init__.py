"""Measuring a chain on labelled data: line labels of extracted text, and snippets of web pages."""
