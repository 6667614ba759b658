"""Run a chain of rules over one document: find spans, resolve overlaps, cut, tidy whitespace.

Semantics, in order:

1. **Matching.** Every enabled rule proposes candidate spans. One scan over the document
   finds where rules can match (blocks of lines where an RE2 set of all line-local rules
   matches; an RE2 set over the whole document for the other rules); each
   rule's exact matcher then runs only there, with the whole document as context, so it
   finds exactly what it would find on the whole document, and text without boilerplate
   costs one scan. See :mod:`cleaner.core.scan`. Rules see odd spaces as spaces and the
   symbols and list marks that open or close a line as spaces too (:mod:`cleaner.core.view`);
   a cut takes its line's decorations along, and cuts are made in the text itself.
2. **Overlaps.** Candidates are taken by start offset (then longest, then chain order). A
   candidate that begins inside text already claimed keeps only its unclaimed tail, so the
   removed text is the union of all matches and every character is credited to exactly one
   rule: the one whose match started first.
3. **Tidying.** Cutting leaves whitespace behind. Around each group of cuts separated only
   by whitespace, one whitespace run is kept (the one with the most line breaks, the first on
   a tie); the rest is removed as ``tidy/whitespace`` spans. At the start of a document all
   of it goes; at the end the document's own trailing whitespace stays.
4. **Fixpoint.** Cutting can bring text together that a rule matches (or make a new first
   line for a ``head`` rule), so the clean text is cleaned again until nothing more is
   removed. This makes cleaning idempotent: cleaning clean text removes nothing. Every pass
   removes at least one character, so this ends; real text settles in one or two passes.
   (A line that no cut touched is the same line as before, where nothing matched, so the
   line-local rules of :mod:`cleaner.core.scan` look again only at lines that a cut touched.)
5. **Guard** (optional, ``max_removed``). A document that would lose more than that fraction
   of its characters is returned unchanged with a zero-length ``guard/max-removed`` flag.

Kept text is never altered: the clean text is the input with spans cut out.

A long document can be cleaned in parts (see :mod:`cleaner.core.windows`): ``starts_document=False``
says that text comes before the part (``head`` rules do not apply, and whitespace at its start
is not the document's start), ``ends_document=False`` that text comes after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cleaner.core.answers import PatternAnswers, pattern_answers, remember_answers
from cleaner.core.cuts import after_cuts, cut_out, kept_segments, to_original, touched_lines
from cleaner.core.guard import DEFAULT_MAX_REMOVED, guard_max_removed
from cleaner.core.kinds import Matcher, compile_rule
from cleaner.core.result import Cut, Result, char_offsets
from cleaner.core.rule import Rule
from cleaner.core.scan import Scanner, reopened
from cleaner.core.scope import WHOLE_DOCUMENT, Context, ScopeBounds
from cleaner.core.signals import Document, HtmlLines
from cleaner.core.tidy import Found, resolve, tidy_whitespace
from cleaner.core.view import decorations_folded, folded_spaces, refolded, widened

TIDY_RULE = "tidy/whitespace"


class Chain:
    """Rules compiled once, in order, ready to clean any number of documents.

    >>> from cleaner.core.rule import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> chain.clean("Story. Read more").clean
    'Story.'
    """

    def __init__(self, rules: Sequence[Rule], *, checked: bool = False) -> None:
        # checked: the rules come from validated rule files, so each pattern is compiled only
        # when a document first needs it; otherwise a bad pattern fails here.
        self.rules = list(rules)
        self.checked = checked
        self._ids = tuple(rule.qualified_id for rule in self.rules)  # each pass names its cuts
        self.matchers: list[Matcher] = [compile_rule(rule, checked=checked) for rule in self.rules]
        self._scanner = Scanner(self.matchers)
        #: The rules whose removals the --max-removed guard weighs (see :mod:`cleaner.core.guard`).
        self.guarded = frozenset(m.rule.qualified_id for m in self.matchers if m.guarded)
        #: Whether a rule reads what an HTML page made of each line: reading a page works that
        #: out only when one does (it costs about a tenth of the extraction).
        self.reads_page_facts = any(m.reads_page_facts for m in self.matchers)

    @property
    def rule_ids(self) -> list[str]:
        """The rules' ``pack/id``, in chain order."""
        return list(self._ids)

    def __repr__(self) -> str:
        """The chain's size and its packs, in order.

        >>> from cleaner.core.rule import Rule
        >>> Chain([Rule("demo", "a", "line", "A"), Rule("demo", "b", "line", "B"),
        ...        Rule("x", "c", "line", "C")])
        <Chain of 3 rules from 2 packs: demo (2), x (1)>
        """
        packs: dict[str, int] = {}
        for rule in self.rules:
            packs[rule.pack] = packs.get(rule.pack, 0) + 1
        listed = ", ".join(f"{name} ({count})" for name, count in packs.items())
        rules = f"{len(self.rules)} rule{'' if len(self.rules) == 1 else 's'}"
        return f"<Chain of {rules} from {len(packs)} pack{'' if len(packs) == 1 else 's'}: {listed}>"

    def __reduce__(self) -> tuple[Callable[..., Chain], tuple[list[Rule], bool, PatternAnswers]]:
        # Compiled RE2 objects do not pickle; workers rebuild the chain from its rules, with
        # what this process worked out about their patterns (see cleaner.core.answers).
        return (_rebuild_chain, (self.rules, self.checked, pattern_answers(self.rules)))

    def candidates(
        self, text: str, *, starts_document: bool = True, ends_document: bool = True
    ) -> list[tuple[int, int, int, dict[str, str]]]:
        """All rules' candidate spans in ``text`` as given, as ``(start, end, rule_index,
        captures)``, character offsets. (Cleaning matches a view of its text with odd spaces
        and a line's decorations as spaces: see :mod:`cleaner.core.view`.)

        >>> from cleaner.core.rule import Rule
        >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
        >>> chain.candidates("é Read more")
        [(2, 11, 0, {})]
        """
        data = text.encode("utf-8")
        found = self.find(data, context=Context(starts_document, ends_document))
        if len(data) == len(text):
            return found
        char_at = char_offsets(data, [offset for s, e, _, _ in found for offset in (s, e)])
        return [(char_at[s], char_at[e], index, captures) for s, e, index, captures in found]

    def find(
        self,
        data: bytes,
        *,
        context: Context = WHOLE_DOCUMENT,
        touched: Sequence[tuple[int, int]] | None = None,
        unclosed: list[int] | None = None,
        only: set[int] | None = None,
        reopen: Sequence[int] = (),
    ) -> list[Found]:
        """All rules' candidate spans in UTF-8 ``data``, byte offsets (what the engine uses).

        ``touched``: sorted ``(start, end)`` ranges of whole lines outside which the
        line-local rules are known to find nothing (the lines an earlier pass cut into).
        ``unclosed`` collects where a block rule's start matched without an end in reach.
        ``only``: the indices of the rules to run, or None for all of them. ``reopen``: where
        block rules' starts ended no block in an earlier pass (see :meth:`Scanner.candidates`).
        """
        if not self.matchers or not data:
            return []
        bounds = ScopeBounds(data, context)

        def region(index: int) -> tuple[int, int] | None:
            return bounds.region(self.rules[index])

        document = Document(data, context.html_lines)
        found = self._scanner.candidates(data, region, touched, unclosed, document, only, reopen)
        return [(c.start, c.end, index, c.captures) for c, index in found]

    def may_find_more(
        self,
        data: bytes,
        touched: list[tuple[int, int]],
        context: Context,
        unclosed: Sequence[int],
    ) -> bool | set[int]:
        """Which rules another pass over ``data`` may find anything with, where ``touched``
        (sorted ``(start, end)`` ranges of whole lines) holds every line a cut of the last
        pass changed and ``unclosed`` (sorted) every block rule's start that ended no block:
        their indices, True for every rule, or an empty set (nothing: the pass is skipped).

        A rule that may find something is one of: a rule that is not line-local (it may
        match anywhere) or that looks at lines anywhere in the text (repetition, a run's
        prose): every rule then runs again; a head or tail rule whose lines, or the few lines
        its runs look at beyond its scope, were touched, and whose entry matches in its scope
        as it now is (or that looks at a line's neighbours); a line-local rule (block rules'
        starts included) whose entry in the prefilter set matches in a touched line; a block
        rule, when an unclosed start lies in a touched line or up to ``max_chars`` before one,
        whose end a cut may have brought in reach. (Any other start of a block rule ended a
        block, which was cut out with it.)
        """
        scanner = self._scanner
        if scanner.whole or any(scanner.matchers[i].context_lines is None for i in scanner.in_context):
            return True
        rules = scanner.matching_in((data[start:end] for start, end in touched), len(data))
        bounds = ScopeBounds(data, context)
        in_touched_scope: dict[int, tuple[int, int]] = {}
        for index in scanner.scoped:
            # A rule that looks at neighbours sees a few lines past its scope, so a cut there counts.
            matcher = scanner.matchers[index]
            region = bounds.region(self.rules[index], matcher.context_lines or 0)
            if region is None or not any(start <= region[1] and end >= region[0] for start, end in touched):
                continue
            if matcher.depends_on_neighbours:
                rules.add(index)
            else:
                in_touched_scope[index] = region
        # A cut in a scope brings other lines into it: the rule looks at them if its entry matches.
        rules.update(scanner.scoped_entry_matches(data, in_touched_scope))
        # The same test the scan makes of each block rule's reach, with the longest one.
        if unclosed and reopened(data, touched, unclosed, scanner.block_reach()):
            rules.update(scanner.by_block_blocks)
        return rules

    def clean(
        self,
        text: str,
        *,
        max_removed: float | None = DEFAULT_MAX_REMOVED,
        encoded: bytes | None = None,
        html_lines: HtmlLines | None = None,
    ) -> Result:
        """Clean one document. See the module docstring for the exact semantics."""
        return clean_text(text, self, max_removed=max_removed, encoded=encoded, html_lines=html_lines)


def _rebuild_chain(rules: list[Rule], checked: bool, answers: PatternAnswers) -> Chain:
    remember_answers(rules, answers)
    return Chain(rules, checked=checked)


def _one_pass(
    view: bytes,
    data: bytes,
    chain: Chain,
    context: Context,
    touched: list[tuple[int, int]] | None = None,
    unclosed: list[int] | None = None,
    only: set[int] | None = None,
    reopen: Sequence[int] = (),
) -> list[Cut]:
    """One round of matching (in ``view``, the folded ``data``) and tidying: cuts in byte
    offsets, sorted.

    ``unclosed`` collects where a block rule's start matched without an end in reach;
    ``only``: the indices of the rules to run (None: all).
    """
    found = chain.find(view, context=context, touched=touched, unclosed=unclosed, only=only, reopen=reopen)
    taken = resolve(found)
    if not taken:
        return []
    if view is not data:  # a cut takes along its line's decorations
        spans = widened([(s, e) for s, e, _, _ in taken], view, data)
        taken = [(s, e, *found[2:]) for (s, e), found in zip(spans, taken, strict=True)]
    rule_ids = chain._ids
    cuts: list[Cut] = [(s, e, rule_ids[index], captures) for s, e, index, captures in taken]
    ranges = [(s, e) for s, e, _, _ in taken]
    tidied = tidy_whitespace(data, ranges, context.starts_document, context.ends_document)
    cuts += [(s, e, TIDY_RULE, {}) for s, e in tidied]
    cuts.sort(key=lambda cut: cut[0])
    return cuts


def clean_text(
    text: str,
    chain: Chain,
    *,
    max_removed: float | None = DEFAULT_MAX_REMOVED,
    starts_document: bool = True,
    ends_document: bool = True,
    encoded: bytes | None = None,
    html_lines: HtmlLines | None = None,
) -> Result:
    """Remove what the chain's rules match from one document, recording every removed span.

    A document whose guarded rules would remove more than ``max_removed`` of its characters
    (by default half, as the command line does; ``None`` switches the guard off) is left
    unchanged and flagged instead (see :mod:`cleaner.core.guard`).
    ``encoded``: ``text`` in UTF-8, when the caller has it (it saves encoding it again).
    ``html_lines``: what the HTML page the text was extracted from made of its lines, for
    rules that test it (see :mod:`cleaner.core.signals`).

    >>> from cleaner.core.rule import Rule
    >>> chain = Chain([Rule(pack="demo", id="more", kind="phrase", pattern="Read more")])
    >>> result = clean_text("Read more\\n\\nThe story.\\n", chain)
    >>> result.clean
    'The story.\\n'
    >>> [(s.rule, s.start, s.end) for s in result.spans]
    [('demo/more', 0, 9), ('tidy/whitespace', 9, 11)]
    """
    data = text.encode("utf-8") if encoded is None else encoded
    spaced = folded_spaces(text, data)
    if spaced is not None:  # same length: the spans found in it are the spans of ``text``
        found = clean_text(
            spaced, chain, max_removed=max_removed, starts_document=starts_document,
            ends_document=ends_document, html_lines=html_lines,
        )  # fmt: skip
        return found.of_text(text)
    context = Context(starts_document, ends_document, html_lines)
    unclosed: list[int] = []
    # Rules match a view of the text with the lines' decorations as spaces, byte for byte, so
    # offsets are shared. The text is cut alongside it; the lines a cut changed are folded
    # again, as cleaning the clean text would see them (a mark may now open a line).
    view = decorations_folded(data, ends_document=ends_document)  # ``data`` itself, most often
    cuts = _one_pass(view, data, chain, context, unclosed=unclosed)
    if not cuts:
        return Result(text, [], clean_utf8=data)
    kept = cut_out(data, cuts)
    current = kept if view is data else cut_out(view, cuts)
    unclosed = after_cuts(unclosed, cuts)  # where they are in the cut text
    # No cap on passes: a cap would break idempotence on deeply nested matches (``aaa…bbb``
    # under a rule ``ab``). Each pass removes at least one character, so the loop ends.
    last = cuts
    while True:
        touched = touched_lines(kept, last)
        current = refolded(current, kept, touched, ends_document=ends_document)
        rules = chain.may_find_more(current, touched, context, unclosed)
        if not rules:
            break
        found_unclosed: list[int] = []
        only = None if rules is True else rules
        more = _one_pass(current, kept, chain, context, touched, found_unclosed, only, unclosed)
        if not more:
            break
        unclosed = after_cuts(sorted(set(unclosed) | set(found_unclosed)), more)
        last = more
        cuts = sorted(cuts + to_original(more, kept_segments(len(data), cuts)), key=lambda cut: cut[0])
        folded = current is not kept
        kept = cut_out(kept, more)
        current = cut_out(current, more) if folded else kept
    return guard_max_removed(text, Result._of_cuts(text, data, cuts, kept), max_removed, chain.guarded)
