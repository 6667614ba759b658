"""Learn a site's boilerplate from a corpus: lines and line templates that recur across the
documents of a group, written as an ordinary rule pack a person can review (``cleaner learn``).

The modules, in the order a run uses them:

- :mod:`~cleaner.learn.lines`: a line's key (whitespace-normalised text), its template (digits,
  month and weekday names masked), hashes, and the anchored RE2 pattern for a key.
- :mod:`~cleaner.learn.inputs`: the inputs as ``clean`` reads them (files, folders, JSONL
  corpora, HTML, standard input), cut into tasks, and the group of each document.
- :mod:`~cleaner.learn.count`: first pass, counting in how many documents of its group each
  line hash occurs, in bounded memory (hashes spill to partition files).
- :mod:`~cleaner.learn.collect`: second pass, the texts, positions and samples of the hashes
  frequent enough to become rules.
- :mod:`~cleaner.learn.prose`: whether a line reads like article prose (stopword share).
- :mod:`~cleaner.learn.select`: which candidates become rules, with what scope, in what order.
- :mod:`~cleaner.learn.pack`: the rule pack's YAML text, checked with the project's own loader.
- :mod:`~cleaner.learn.explain`: what was learned and where it occurs, as text or JSON Lines.
- :mod:`~cleaner.learn.run`: the two passes through an executor, and the outcome.
"""
