"""Affiliations from arXiv's HTML pages: every shared LaTeXML fixture, LaTeXML output for the other common
author shapes, name matching, and fetching from a real HTTP server on 127.0.0.1.

Expected affiliations are written out by reading each page's .tex source, not by running the parser.
`python tests/sources/test_html_authors.py` prints how many stated authors got exactly the right ones.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from paperradar.models import Author, Paper
from paperradar.sources.html_authors import (attach_affiliations, fetch_affiliations, html_url, name_tokens,
                                             parse_author_block)
from paperradar.sources.http import ArxivClient

LATEXML = Path(__file__).parents[2].parent / "shared" / "fixtures" / "arxiv" / "arxiv_html_latexml"
REALSHAPE = LATEXML.parent / "arxiv_html_author_blocks_realshape.html"

Stated = list[tuple[str, tuple[str, ...]]]  # (name, affiliations) in page order

# Read off each .tex beside the page. acmart names its parts: department and institution are kept,
# street, city and country are address. Unstructured lines (revtex, llncs) are kept as written.
EXPECTED_LATEXML: dict[str, Stated] = {
    "acmart_style": [("Erin Liu", ("Shanghai AI Laboratory",)), ("Frank Zhou", ("Fudan University",))],
    "article_neurips_style": [("Alice Zhang", ("Department of Computer Science, Tsinghua University",)),
                              ("Bob Li", ("Peking University",))],
    "authblk_style": [("Carol Wang", ("Gaoling School of AI, Renmin University of China",)),
                      ("Dan Chen", ("Gaoling School of AI, Renmin University of China", "Ant Group"))],
    "llncs_style": [("Ivy Guo", ("Zhejiang University, Hangzhou, China",)),
                    ("Jack Ma", ("Alibaba Group, Hangzhou, China",))],
    "revtex_style": [("Grace Sun", ("Institute of Physics, Chinese Academy of Sciences, Beijing 100190, China",)),
                     ("Henry Xu", ("Department of Physics, MIT, Cambridge, MA 02139, USA",))],
}

# Read off the markup quoted in the file (its PROVENANCE comment names the real pages).
EXPECTED_REALSHAPE: dict[str, Stated] = {
    "A": [("PSBC & Huawei LLM Team", ("Postal Savings Bank of China, Beijing, China",
                                      "Huawei Technologies, Shenzhen, China"))],
    "B": [("Vinayak Arannil", ("Amazon Web Services",)), ("Brian Street", ())],
    "C": [("Divya Jyoti Bajpai", ("MLiONS, Department of IEOR, IIT Bombay",)),
          ("Kishan Kumar Upadhyay", ("MLiONS, Department of IEOR, IIT Bombay",))],
    "D": [("A. Author", ("Google DeepMind",))],
}

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{article}
#   \author{Alice Zhang$^{1}$, Bob Li$^{1,2*}$, Carol Wang$^{2}$ \\
#   $^{1}$Tsinghua University \quad $^{2}$Shanghai AI Laboratory \\
#   $^{*}$Corresponding author \\
#   \texttt{\{alice,bob\}@tsinghua.edu.cn}}
#   \begin{document}\maketitle\end{document}
MARKED_HTML = (
    '<article class="ltx_document ltx_authors_1line">\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Alice Zhang<math id="m1" class="ltx_Math" alttext="{}^{1}" display="inline"><msup><mi></mi><mn>1</mn></msup></math>, Bob Li<math id="m2" class="ltx_Math" alttext="{}^{1,2*}" display="inline"><msup><mi></mi><mrow><mrow><mn>1</mn><mo>,</mo><mn>2</mn></mrow><mo lspace="0.222em">\u2063</mo><mo>*</mo></mrow></msup></math>, Carol Wang<math id="m3" class="ltx_Math" alttext="{}^{2}" display="inline"><msup><mi></mi><mn>2</mn></msup></math> \n'
    '<br class="ltx_break"><math id="m4" class="ltx_Math" alttext="{}^{1}" display="inline"><msup><mi></mi><mn>1</mn></msup></math>Tsinghua University \u2003<math id="m5" class="ltx_Math" alttext="{}^{2}" display="inline"><msup><mi></mi><mn>2</mn></msup></math>Shanghai AI Laboratory \n'
    '<br class="ltx_break"><math id="m6" class="ltx_Math" alttext="{}^{*}" display="inline"><msup><mi></mi><mo>*</mo></msup></math>Corresponding author \n'
    '<br class="ltx_break"><span class="ltx_text ltx_font_typewriter">{alice,bob}@tsinghua.edu.cn</span>\n'
    '</span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{article}
#   \author{Dana Kim\textsuperscript{1}\thanks{Equal contribution.} \and Eli Park\textsuperscript{2} \\
#   \textsuperscript{1}KAIST \\ \textsuperscript{2}NAVER AI Lab, Seongnam, Korea}
#   \begin{document}\maketitle\end{document}
TEXTSUP_HTML = (
    '<article class="ltx_document ltx_authors_1line">\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Dana Kim<sup class="ltx_sup">1</sup>\n'
    '</span><span class="ltx_author_notes">Equal contribution.</span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Eli Park<sup class="ltx_sup">2</sup> \n'
    '<br class="ltx_break"><sup class="ltx_sup">1</sup>KAIST \n'
    '<br class="ltx_break"><sup class="ltx_sup">2</sup>NAVER AI Lab, Seongnam, Korea\n'
    '</span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{article}
#   \author{Fay Lin\\
#   Stanford University\\
#   450 Serra Mall, Stanford, CA 94305\\
#   {\tt\small fay@stanford.edu}
#   \and
#   Gus Ho\\
#   Meta AI\\
#   {\tt\small gus@meta.com}
#   }
#   \begin{document}\maketitle\end{document}
CVPR_HTML = (
    '<article class="ltx_document ltx_authors_1line">\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Fay Lin\n'
    '<br class="ltx_break">Stanford University\n'
    '<br class="ltx_break">450 Serra Mall, Stanford, CA 94305\n'
    '<br class="ltx_break"><span class="ltx_text ltx_font_typewriter" style="font-size:90%;">fay@stanford.edu</span>\n'
    '</span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Gus Ho\n'
    '<br class="ltx_break">Meta AI\n'
    '<br class="ltx_break"><span class="ltx_text ltx_font_typewriter" style="font-size:90%;">gus@meta.com</span>\n'
    '</span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass[conference]{IEEEtran}
#   \begin{document}
#   \author{\IEEEauthorblockN{Hana Ito}
#   \IEEEauthorblockA{\textit{Dept. of Informatics} \\
#   \textit{Kyoto University}\\
#   Kyoto, Japan \\
#   hana@kyoto-u.ac.jp}
#   \and
#   \IEEEauthorblockN{Ian Roe}
#   \IEEEauthorblockA{\textit{Sony Research} \\
#   Tokyo, Japan \\
#   ian@sony.com}
#   }
#   \maketitle
#   \end{document}
IEEE_HTML = (
    '<article class="ltx_document ltx_authors_1line">\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Hana Ito\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation"><span class="ltx_text ltx_font_italic">Dept. of Informatics</span>\n'
    '<br class="ltx_break"><span class="ltx_text ltx_font_italic">Kyoto University\n'
    '<br class="ltx_break"></span>Kyoto, Japan \n'
    '<br class="ltx_break">hana@kyoto-u.ac.jp\n'
    '</span></span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Ian Roe\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation"><span class="ltx_text ltx_font_italic">Sony Research</span>\n'
    '<br class="ltx_break">Tokyo, Japan \n'
    '<br class="ltx_break">ian@sony.com\n'
    '</span></span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{elsarticle}
#   \begin{document}
#   \begin{frontmatter}
#   \author[a]{Jin Wu}
#   \author[a,b]{Kai Liu\corref{cor1}}
#   \cortext[cor1]{Corresponding author}
#   \address[a]{School of Computer Science, Wuhan University, Wuhan 430072, China}
#   \address[b]{Huawei Noah's Ark Lab, Shenzhen, China}
#   \end{frontmatter}
#   \end{document}
ELSA_HTML = (
    '<article class="ltx_document ltx_fleqn">\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Jin Wu\n'
    '</span></span>\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Kai Liu\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_address">School of Computer Science, Wuhan University, Wuhan 430072, China\n'
    '</span>\n'
    '<span class="ltx_contact ltx_role_address">Huawei Noah’s Ark Lab, Shenzhen, China\n'
    '</span></span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{llncs}
#   \begin{document}
#   \author{Lea Berg\inst{1,2} \and Max Vogel\inst{2} \and Nina Roth}
#   \institute{TU Munich, Germany \and Max Planck Institute for Intelligent Systems, T\"ubingen, Germany}
#   \maketitle
#   \end{document}
LLNCS2_HTML = (
    '<article class="ltx_document ltx_authors_1line"><span class="ltx_note ltx_role_institutetext"><sup class="ltx_note_mark">1</sup><span class="ltx_note_outer"><span class="ltx_note_content"><sup class="ltx_note_mark">1</sup><span class="ltx_note_type">institutetext: </span>TU Munich, Germany </span></span></span><span class="ltx_note ltx_role_institutetext"><sup class="ltx_note_mark">2</sup><span class="ltx_note_outer"><span class="ltx_note_content"><sup class="ltx_note_mark">2</sup><span class="ltx_note_type">institutetext: </span>Max Planck Institute for Intelligent Systems, Tübingen, Germany</span></span></span>\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Lea Berg\n'
    '</span><span class="ltx_author_notes">1122</span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Max Vogel\n'
    '</span><span class="ltx_author_notes">22</span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Nina Roth\n'
    '</span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{llncs}
#   \begin{document}
#   \author{Otto Klein \and Pia Lang}
#   \institute{University of Amsterdam, The Netherlands}
#   \maketitle
#   \end{document}
LLNCS1_HTML = (
    '<article class="ltx_document ltx_authors_1line"><span class="ltx_note ltx_role_institutetext"><sup class="ltx_note_mark">1</sup><span class="ltx_note_outer"><span class="ltx_note_content"><sup class="ltx_note_mark">1</sup><span class="ltx_note_type">institutetext: </span>University of Amsterdam, The Netherlands</span></span></span>\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Otto Klein\n'
    '</span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Pia Lang\n'
    '</span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{article}
#   \usepackage{authblk}
#   \author[1]{Ren\'e Dubois}
#   \author[2]{Sofia M\"uller}
#   \author[1,2]{Tom Ng}
#   \affil[1]{INRIA, Paris, France}
#   \affil[2]{ETH Z\"urich, Switzerland}
#   \begin{document}\maketitle\end{document}
AUTHBLK2_HTML = (
    '<article class="ltx_document ltx_authors_1line">\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">René Dubois\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation">INRIA, Paris, France\n'
    '</span></span></span>\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Sofia Müller\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation">ETH Zürich, Switzerland\n'
    '</span></span></span>\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Tom Ng\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation">INRIA, Paris, France\n'
    '</span>\n'
    '<span class="ltx_contact ltx_role_affiliation">ETH Zürich, Switzerland\n'
    '</span></span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass[sigconf]{acmart}
#   \begin{document}
#   \author{Uma Rao}
#   \authornote{Both authors contributed equally.}
#   \email{uma@cmu.edu}
#   \affiliation{\department{Machine Learning Department}\institution{Carnegie Mellon University}\streetaddress{5000 Forbes Ave}\city{Pittsburgh}\state{PA}\postcode{15213}\country{USA}}
#   \author{Vic Dean}
#   \affiliation{\institution{Microsoft Research}\city{Redmond}\country{USA}}
#   \affiliation{\institution{University of Washington}\city{Seattle}\country{USA}}
#   \maketitle
#   \end{document}
ACM2_HTML = (
    '<article class="ltx_document ltx_authors_1line ltx_leqno">\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Uma Rao\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_email"><a href="mailto:uma@cmu.edu">uma@cmu.edu</a>\n'
    '</span>\n'
    '<span class="ltx_contact ltx_role_affiliation"><span class="ltx_text ltx_affiliation_department">Machine Learning Department</span><span class="ltx_text ltx_affiliation_institution">Carnegie Mellon University</span><span class="ltx_text ltx_affiliation_streetaddress">5000 Forbes Ave</span><span class="ltx_text ltx_affiliation_city">Pittsburgh</span><span class="ltx_text ltx_affiliation_state">PA</span><span class="ltx_text ltx_affiliation_postcode">15213</span><span class="ltx_text ltx_affiliation_country">USA</span>\n'
    '</span></span></span>\n'
    '<span class="ltx_author_before">\xa0and\xa0</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Vic Dean\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation"><span class="ltx_text ltx_affiliation_institution">Microsoft Research</span><span class="ltx_text ltx_affiliation_city">Redmond</span><span class="ltx_text ltx_affiliation_country">USA</span>\n'
    '</span>\n'
    '<span class="ltx_contact ltx_role_affiliation"><span class="ltx_text ltx_affiliation_institution">University of Washington</span><span class="ltx_text ltx_affiliation_city">Seattle</span><span class="ltx_text ltx_affiliation_country">USA</span>\n'
    '</span></span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass{article}
#   \usepackage{url}
#   \author{Hiroshi Sasaki \\ Osaka University \\ {\tt\small hsasaki@osaka-u.ac.jp} \and Ken Ito \\
#   Project page: \url{https://kenito.github.io/probe}}
#   \begin{document}\maketitle\end{document}
LINKS_HTML = (
    '<article class="ltx_document ltx_authors_1line">\n'
    '<h1 class="ltx_title ltx_title_document">Probe</h1>\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Hiroshi Sasaki \n'
    '<br class="ltx_break">Osaka University \n'
    '<br class="ltx_break"><span class="ltx_text ltx_font_typewriter" style="font-size:90%;">hsasaki@osaka-u.ac.jp</span>\n'
    '</span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Ken Ito \n'
    '<br class="ltx_break">Project page: <a href="https://kenito.github.io/probe" title="" class="ltx_ref ltx_url ltx_font_typewriter">https://kenito.github.io/probe</a>\n'
    '</span></span>\n'
    '</div>\n'
    '</article>'
)

# LaTeXML 0.8.7 (latexml + latexmlpost --format=html5) on this source, author block kept:
#   \documentclass[conference]{IEEEtran}
#   \author{\IEEEauthorblockN{Hiroshi Sasaki}
#   \IEEEauthorblockA{Email: hsasaki@u-tokyo.ac.jp}
#   \and
#   \IEEEauthorblockN{Ken Ito}
#   \IEEEauthorblockA{\textit{Dept. of Informatics} \\ \textit{Kyoto University}\\ Kyoto, Japan \\ Email: ito@kyoto-u.ac.jp}}
#   \begin{document}\maketitle\end{document}
IEEE_EMAIL_HTML = (
    '<article class="ltx_document ltx_authors_1line">\n'
    '<h1 class="ltx_title ltx_title_document">Probe</h1>\n'
    '<div class="ltx_authors">\n'
    '<span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Hiroshi Sasaki\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation">Email: hsasaki@u-tokyo.ac.jp\n'
    '</span></span></span>\n'
    '<span class="ltx_author_before">\u2003\u2003</span><span class="ltx_creator ltx_role_author">\n'
    '<span class="ltx_personname">Ken Ito\n'
    '</span><span class="ltx_author_notes">\n'
    '<span class="ltx_contact ltx_role_affiliation"><span class="ltx_text ltx_font_italic">Dept. of Informatics</span>\n'
    '<br class="ltx_break"><span class="ltx_text ltx_font_italic">Kyoto University\n'
    '<br class="ltx_break"></span>Kyoto, Japan \n'
    '<br class="ltx_break">Email: ito@kyoto-u.ac.jp\n'
    '</span></span></span>\n'
    '</div>\n'
    '</article>'
)

EXPECTED_GENERATED: dict[str, tuple[str, Stated]] = {
    "marked": (MARKED_HTML, [("Alice Zhang", ("Tsinghua University",)),
                             ("Bob Li", ("Tsinghua University", "Shanghai AI Laboratory")),
                             ("Carol Wang", ("Shanghai AI Laboratory",))]),
    "textsup": (TEXTSUP_HTML, [("Dana Kim", ("KAIST",)), ("Eli Park", ("NAVER AI Lab, Seongnam, Korea",))]),
    "cvpr": (CVPR_HTML, [("Fay Lin", ("Stanford University",)), ("Gus Ho", ("Meta AI",))]),
    "ieee": (IEEE_HTML, [("Hana Ito", ("Dept. of Informatics, Kyoto University",)), ("Ian Roe", ("Sony Research",))]),
    # LaTeXML drops Jin Wu's \address[a]: the page states nothing for her, so nothing is what we give
    "elsa": (ELSA_HTML, [("Jin Wu", ()),
                         ("Kai Liu", ("School of Computer Science, Wuhan University, Wuhan 430072, China",
                                      "Huawei Noah\u2019s Ark Lab, Shenzhen, China"))]),
    "llncs2": (LLNCS2_HTML, [("Lea Berg", ("TU Munich, Germany",
                                           "Max Planck Institute for Intelligent Systems, T\u00fcbingen, Germany")),
                             ("Max Vogel", ("Max Planck Institute for Intelligent Systems, T\u00fcbingen, Germany",)),
                             ("Nina Roth", ())]),
    "llncs1": (LLNCS1_HTML, [("Otto Klein", ("University of Amsterdam, The Netherlands",)),
                             ("Pia Lang", ("University of Amsterdam, The Netherlands",))]),
    "authblk2": (AUTHBLK2_HTML, [("Ren\u00e9 Dubois", ("INRIA, Paris, France",)),
                                 ("Sofia M\u00fcller", ("ETH Z\u00fcrich, Switzerland",)),
                                 ("Tom Ng", ("INRIA, Paris, France", "ETH Z\u00fcrich, Switzerland"))]),
    "acm2": (ACM2_HTML, [("Uma Rao", ("Machine Learning Department, Carnegie Mellon University",)),
                         ("Vic Dean", ("Microsoft Research", "University of Washington"))]),
    # what is left of a line once its address is taken out ("Project page:", "Email:") names no place
    "links": (LINKS_HTML, [("Hiroshi Sasaki", ("Osaka University",)), ("Ken Ito", ())]),
    "ieee_email": (IEEE_EMAIL_HTML, [("Hiroshi Sasaki", ()), ("Ken Ito", ("Dept. of Informatics, Kyoto University",))]),
}


def realshape_case(case: str) -> str:
    """One case of the quoted real markup, cut out of the fixture by its id."""
    text = REALSHAPE.read_text(encoding="utf-8")
    m = re.search(rf'<div class="case" id="{case}">(.*?)</div></div>', text, re.DOTALL)
    assert m, f"case {case} is no longer in {REALSHAPE.name}"
    return m.group(1)


def as_pairs(authors: list[Author]) -> Stated:
    return [(a.name, a.affiliations) for a in authors]


# --- parse_author_block ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", sorted(EXPECTED_LATEXML))
def test_each_latexml_fixture_gives_the_affiliations_its_tex_states(stem: str) -> None:
    html = (LATEXML / f"{stem}.html").read_bytes()
    assert as_pairs(parse_author_block(html)) == EXPECTED_LATEXML[stem]


def test_every_latexml_fixture_is_checked() -> None:
    assert sorted(p.stem for p in LATEXML.glob("*.html")) == sorted(EXPECTED_LATEXML)


@pytest.mark.parametrize("case", sorted(EXPECTED_REALSHAPE))
def test_each_real_markup_shape(case: str) -> None:
    assert as_pairs(parse_author_block(realshape_case(case))) == EXPECTED_REALSHAPE[case]


@pytest.mark.parametrize("name", sorted(EXPECTED_GENERATED))
def test_latexml_output_for_other_author_shapes(name: str) -> None:
    html, expected = EXPECTED_GENERATED[name]
    assert as_pairs(parse_author_block(html)) == expected


def test_thanks_notes_emails_and_addresses_never_become_affiliations() -> None:
    pages = [p.read_text(encoding="utf-8") for p in LATEXML.glob("*.html")]
    pages += [realshape_case(c) for c in EXPECTED_REALSHAPE] + [html for html, _ in EXPECTED_GENERATED.values()]
    stated = [aff for page in pages for a in parse_author_block(page) for aff in a.affiliations]
    assert len(stated) > 25
    for aff in stated:
        assert "@" not in aff and "contribution" not in aff.lower() and "orresponding" not in aff
        assert not re.search(r"Mumbai|Serra Mall|Kyoto, Japan|Tokyo|Pittsburgh|Redmond", aff), aff
        assert "Affiliation:" not in aff and "institutetext" not in aff and "\u2020" not in aff


def test_a_name_without_a_resolving_mark_gets_nothing_when_its_neighbours_use_marks() -> None:
    html = ('<div class="ltx_authors"><span class="ltx_creator ltx_role_author"><span class="ltx_personname">'
            'Ann Lee<sup class="ltx_sup">1</sup>, Ben Kay, Cy Dow<sup class="ltx_sup">9</sup>'
            '<br class="ltx_break"><sup class="ltx_sup">1</sup>Oxford University'
            '<br class="ltx_break">Imperial College London</span></span></div>')
    assert as_pairs(parse_author_block(html)) == [("Ann Lee", ("Oxford University, Imperial College London",)),
                                                 ("Ben Kay", ()), ("Cy Dow", ())]


def test_a_mark_stated_twice_with_different_texts_is_not_used() -> None:
    html = ('<div class="ltx_authors"><span class="ltx_creator ltx_role_author"><span class="ltx_personname">'
            'Ann Lee<sup class="ltx_sup">1</sup><br class="ltx_break"><sup class="ltx_sup">1</sup>Oxford University'
            '<br class="ltx_break"><sup class="ltx_sup">1</sup>Cambridge University</span></span></div>')
    assert as_pairs(parse_author_block(html)) == [("Ann Lee", ())]


def test_one_word_pieces_are_one_name_not_several() -> None:
    html = ('<div class="ltx_authors"><span class="ltx_creator ltx_role_author"><span class="ltx_personname">'
            'Smith, John<br class="ltx_break">Yale University</span></span></div>')
    assert as_pairs(parse_author_block(html)) == [("Smith, John", ("Yale University",))]


def block(personname: str) -> str:
    """One LaTeXML creator whose personname holds `personname` ("|" for <br>, "^x" for a <sup> mark)."""
    inner = re.sub(r"\^(\S+?)(?=[ ,|]|$)", r'<sup class="ltx_sup">\1</sup>', personname)
    inner = inner.replace("|", '<br class="ltx_break">')
    return (f'<div class="ltx_authors"><span class="ltx_creator ltx_role_author">'
            f'<span class="ltx_personname">{inner}</span></span></div>')


@pytest.mark.parametrize("personname, expected", [
    # a mark ends a name even without a comma
    ("Alice Zhang^1 Bob Li^2|^1 Tsinghua University ^2 Peking University",
     [("Alice Zhang", ("Tsinghua University",)), ("Bob Li", ("Peking University",))]),
    # numbers in plain text are not marks we can resolve: nobody is given the line
    ("Alice Zhang^1, Bob Li^2|1 Tsinghua University 2 Peking University", [("Alice Zhang", ()), ("Bob Li", ())]),
    # symbol marks are footnotes: the line under the names is theirs, the footnote is not an affiliation
    ("Alice Zhang^*, Bob Li^*|Tsinghua University|^* Equal contribution",
     [("Alice Zhang", ("Tsinghua University",)), ("Bob Li", ("Tsinghua University",))]),
    # the author list goes on over two lines
    ("Alice Zhang, Bob Li, Carol Wang|Dan Chen, Eve Wu|Tsinghua University",
     [(n, ("Tsinghua University",)) for n in ("Alice Zhang", "Bob Li", "Carol Wang", "Dan Chen", "Eve Wu")]),
    ("Alice Zhang, Bob Li|Ai Chen, Bo Wu|Tsinghua University",  # "Ai" is a surname, not the acronym AI
     [(n, ("Tsinghua University",)) for n in ("Alice Zhang", "Bob Li", "Ai Chen", "Bo Wu")]),
    ("Alice Zhang and Bob Li,|Dan Chen|Tsinghua University",
     [(n, ("Tsinghua University",)) for n in ("Alice Zhang", "Bob Li", "Dan Chen")]),
    # a street address line under the institution is dropped, an address alone is not an institution
    ("Fay Lin|Stanford University|450 Serra Mall, Stanford, CA 94305", [("Fay Lin", ("Stanford University",))]),
    ("Fay Lin|450 Serra Mall, Stanford, CA 94305", [("Fay Lin", ())]),
])
def test_lines_under_names(personname: str, expected: Stated) -> None:
    assert as_pairs(parse_author_block(block(personname))) == expected


def test_a_whole_paper_is_not_read_past_its_author_block() -> None:
    page = (LATEXML / "authblk_style.html").read_text(encoding="utf-8")
    paragraph = '<div class="ltx_para"><p class="ltx_p">Text <math alttext="x^2"><mi>x</mi></math>.</p></div>\n'
    whole = page.replace("</article>", paragraph * 30_000 + "</article>")  # ~3 MB, like a long paper
    started = time.perf_counter()
    assert as_pairs(parse_author_block(whole)) == EXPECTED_LATEXML["authblk_style"]
    assert time.perf_counter() - started < 1.0  # reading all of it took 8 s on this machine


def test_a_page_without_an_author_block_states_nobody() -> None:
    assert parse_author_block(b"<html><body><p>No HTML for this paper.</p></body></html>") == []


# --- attach_affiliations --------------------------------------------------------------------------------

def listed(*names: str) -> tuple[Author, ...]:
    return tuple(Author(n) for n in names)


def test_feed_names_keep_their_spelling_and_order_and_gain_the_stated_affiliations() -> None:
    stated = [Author("Zhū, Jun-Yan", ("CMU",)), Author("Rene DUBOIS", ("INRIA",)), Author("A. Efros", ("UCB",))]
    out = attach_affiliations(listed("Alexei A. Efros", "René Dubois", "J.-Y. Zhu"), stated)
    assert out == (Author("Alexei A. Efros", ("UCB",)), Author("René Dubois", ("INRIA",)),
                   Author("J.-Y. Zhu", ("CMU",)))


@pytest.mark.parametrize("feed, page", [
    ("Łukasz Kaiser", "Lukasz Kaiser"),      # letters NFKD does not take apart
    ("Zhang Wei", "Wei Zhang"),              # family name first
    ("Junyan Zhu", "Jun-Yan Zhu"),           # hyphen or none
    ("Jun-Yan Zhu", "J.-Y. Zhu"),            # initials
    ("Mary Jane Roe", "Mary J. Roe"),        # middle initial
    ("Mary Roe", "Mary J. Roe"),             # middle initial on one side only
])
def test_one_person_written_two_ways_is_matched(feed: str, page: str) -> None:
    assert attach_affiliations(listed(feed), [Author(page, ("X",))]) == (Author(feed, ("X",)),)


@pytest.mark.parametrize("feed, page", [
    ("Yu Wang", "Yi Wang"),                  # same surname, different given name
    ("Wang", "Yu Wang"),                     # a bare surname could be anyone
    ("Alice Zhang", "Alicia Zhang"),
    ("Alice Zhang", "Alice Zhang Bob Li"),   # two names run together are neither
])
def test_different_people_are_not_matched(feed: str, page: str) -> None:
    assert attach_affiliations(listed(feed), [Author(page, ("X",))]) == listed(feed)


def test_ambiguous_initials_get_nothing_while_exact_names_still_match() -> None:
    out = attach_affiliations(listed("Y. Wang", "Yu Wang"), [Author("Yu Wang", ("PKU",)), Author("Yi Wang", ("THU",))])
    assert out == (Author("Y. Wang"), Author("Yu Wang", ("PKU",)))


def test_two_listed_authors_of_one_name_get_nothing() -> None:
    out = attach_affiliations(listed("Wei Zhang", "Wei Zhang"), [Author("Wei Zhang", ("A",)), Author("Wei Zhang", ("B",))])
    assert out == listed("Wei Zhang", "Wei Zhang")


def test_affiliations_an_author_already_has_are_kept() -> None:
    out = attach_affiliations((Author("Ann Lee", ("From the API",)), Author("Ben Kay")),
                              [Author("Ann Lee", ("Oxford",)), Author("Ben Kay", ("Yale",))])
    assert out == (Author("Ann Lee", ("From the API",)), Author("Ben Kay", ("Yale",)))


def test_an_affiliation_the_submitter_typed_after_the_name_is_not_stated_again() -> None:
    # arXiv lists 'Name (Affiliation)' as typed; the page's own wording would show the place twice
    typed = (Author("Marlow Fawn (Tufts University)"), Author("Jun-Yan Zhu (朱俊彦)"))
    out = attach_affiliations(typed, [Author("Marlow Fawn", ("Tufts University, Medford, MA",)),
                                      Author("Jun-Yan Zhu", ("CMU",))])
    assert out == (Author("Marlow Fawn (Tufts University)"), Author("Jun-Yan Zhu (朱俊彦)", ("CMU",)))


def test_name_tokens_fold_accents_case_and_punctuation() -> None:
    assert name_tokens("J.-Y. Zhū (朱俊彦)") == ("j", "y", "zhu")
    assert name_tokens("Sofia MÜLLER") == ("sofia", "muller")


# --- fetch_affiliations over HTTP -----------------------------------------------------------------------

class HtmlServer:
    """A real HTTP server on 127.0.0.1 that serves arXiv-style /html/<id>v<n> pages from scripted replies.

    Each path holds a queue of (status, body); the last one is repeated once the others are used up.
    """

    def __init__(self) -> None:
        self.routes: dict[str, deque[tuple[int, bytes]]] = {}
        self.seen: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                server.seen.append(self.path)
                replies = server.routes.get(self.path) or deque([(404, b"no HTML for this paper")])
                status, body = replies.popleft() if len(replies) > 1 else replies[0]
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/html/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def serve(self, paper: Paper, *replies: tuple[int, bytes]) -> None:
        self.routes[f"/html/{paper.id}v{paper.version}"] = deque(replies)


@pytest.fixture
def html_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[HtmlServer]:
    server = HtmlServer()
    server.thread.start()
    monkeypatch.setenv("PAPERRADAR_ARXIV_HTML_URL", server.base)
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def fast_client() -> ArxivClient:
    return ArxivClient(min_interval=0.01, timeout=2.0, max_attempts=3, backoff=0.01)


def paper(arxiv_id: str, *names: str, version: int = 1) -> Paper:
    return Paper(arxiv_id, "A title", listed(*names), "An abstract.", ("cs.LG",), date(2026, 2, 5), version=version)


def test_pages_are_fetched_parsed_and_attached_404_skipped_500_retried_refusal_reported(html_server: HtmlServer) -> None:
    acm = paper("2602.00001", "Frank Zhou", "Erin Liu")
    missing = paper("2602.00002", "Nobody Here", version=2)
    flaky = paper("2602.00003", "Dan Chen", "Carol Wang")
    refused = paper("2602.00004", "Ann Lee")
    html_server.serve(acm, (200, (LATEXML / "acmart_style.html").read_bytes()))
    html_server.serve(flaky, (500, b"oops"), (200, (LATEXML / "authblk_style.html").read_bytes()))
    html_server.serve(refused, (403, b"forbidden"))
    problems: list[str] = []

    found = fetch_affiliations([acm, missing, flaky, refused], fast_client(), problems)

    assert found == {
        acm.id: (Author("Frank Zhou", ("Fudan University",)), Author("Erin Liu", ("Shanghai AI Laboratory",))),
        flaky.id: (Author("Dan Chen", ("Gaoling School of AI, Renmin University of China", "Ant Group")),
                   Author("Carol Wang", ("Gaoling School of AI, Renmin University of China",))),
    }
    assert html_server.seen == ["/html/2602.00001v1", "/html/2602.00002v2", "/html/2602.00003v1",
                                "/html/2602.00003v1", "/html/2602.00004v1"]
    assert len(problems) == 1 and "2602.00004" in problems[0] and "403" in problems[0]


def test_arxiv_saying_it_is_unavailable_stops_the_rest_with_one_line(html_server: HtmlServer,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    papers = [paper(f"2602.0001{i}", "Ann Lee") for i in range(3)]
    for p in papers:
        html_server.serve(p, (503, b"busy"))
    problems: list[str] = []
    assert fetch_affiliations(papers, fast_client(), problems) == {}
    assert html_server.seen == ["/html/2602.00010v1"] * 3  # one paper's retries, then no more asking
    assert len(problems) == 1 and "3 papers" in problems[0]
    assert not caplog.records  # the caller shows the line; logged as well, `paperradar run` printed it twice


def test_a_server_error_that_outlasts_the_retries_stops_the_rest_with_one_line(html_server: HtmlServer) -> None:
    # an outage of arXiv's HTML: asking every recommended paper 3 times over would be 225 requests on a 75-paper day
    papers = [paper(f"2602.0003{i}", "Ann Lee") for i in range(3)]
    for p in papers:
        html_server.serve(p, (502, b"bad gateway"))
    problems: list[str] = []
    assert fetch_affiliations(papers, fast_client(), problems) == {}
    assert html_server.seen == ["/html/2602.00030v1"] * 3
    assert len(problems) == 1 and "3 papers" in problems[0] and "HTTP 502" in problems[0]


def test_an_unreachable_arxiv_stops_at_the_first_paper(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port that was just free: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PAPERRADAR_ARXIV_HTML_URL", f"http://127.0.0.1:{port}/html/")
    problems: list[str] = []
    papers = [paper("2602.00021", "Ann Lee"), paper("2602.00022", "Ben Kay")]
    assert fetch_affiliations(papers, fast_client(), problems) == {}
    assert len(problems) == 1 and "2 papers" in problems[0]


def test_html_url_names_the_version_and_takes_the_base_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERRADAR_ARXIV_HTML_URL", raising=False)
    assert html_url(paper("2410.00260", "A B", version=3)) == "https://arxiv.org/html/2410.00260v3"
    monkeypatch.setenv("PAPERRADAR_ARXIV_HTML_URL", "http://127.0.0.1:9/h")
    assert html_url(paper("2410.00260", "A B")) == "http://127.0.0.1:9/h/2410.00260v1"


# --- the measurement printed for the report ---------------------------------------------------------------

def tally() -> Iterator[tuple[str, int, int]]:
    """(source, authors whose affiliations are exactly right, authors stated) for every page above."""
    pages: list[tuple[str, str, Stated]] = [(f"latexml/{s}", (LATEXML / f"{s}.html").read_text(encoding="utf-8"), e)
             for s, e in EXPECTED_LATEXML.items()]
    pages += [(f"realshape/{c}", realshape_case(c), e) for c, e in EXPECTED_REALSHAPE.items()]
    pages += [(f"generated/{n}", html, e) for n, (html, e) in EXPECTED_GENERATED.items()]
    for source, html, expected in pages:
        got = dict(as_pairs(parse_author_block(html)))
        yield source, sum(got.get(name) == affs for name, affs in expected), len(expected)


if __name__ == "__main__":
    rows = list(tally())
    for source, right, total in rows:
        print(f"{source:28s} {right}/{total}")
    print(f"{'all':28s} {sum(r for _, r, _ in rows)}/{sum(t for _, _, t in rows)} authors with exactly the stated affiliations")
