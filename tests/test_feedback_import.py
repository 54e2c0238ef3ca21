"""Importing liked papers from the files readers already keep: id lists, BibTeX, Zotero exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperradar.errors import BadInputFile
from paperradar.feedback_import import (
    arxiv_id_in, ids_from_bibtex, ids_from_csl_json, ids_from_csv, ids_from_ris, ids_from_text,
    ids_from_zotero_rdf, import_ids)

# As Google Scholar, Zotero (plain BibTeX and Better BibTeX), arXiv's own "Export BibTeX citation" and
# NASA ADS write them; the last two entries hold no arXiv id and must be reported, not guessed.
BIBTEX = r"""
% Exported from a reference manager
@string{neurips = "Advances in Neural Information Processing Systems"}

@article{vaswani2017attention,
  title={Attention is all you need},
  author={Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion and Gomez, Aidan N and Kaiser, {\L}ukasz and Polosukhin, Illia},
  journal={arXiv preprint arXiv:1706.03762},
  year={2017}
}

@misc{ho_denoising_2020,
	title = {Denoising {Diffusion} {Probabilistic} {Models}},
	url = {http://arxiv.org/abs/2006.11239},
	doi = {10.48550/arXiv.2006.11239},
	abstract = {We present high quality image synthesis results using diffusion probabilistic models, compare arXiv:1503.03585.},
	urldate = {2024-03-02},
	publisher = {arXiv},
	author = {Ho, Jonathan and Jain, Ajay and Abbeel, Pieter},
	month = dec,
	year = {2020},
	note = {arXiv:2006.11239 [cs, stat]},
	keywords = {Computer Science - Machine Learning, Statistics - Machine Learning},
}

@online{rafailov2024direct,
  title = {Direct {{Preference Optimization}}: {{Your Language Model}} Is {{Secretly}} a {{Reward Model}}},
  shorttitle = {Direct {{Preference Optimization}}},
  author = {Rafailov, Rafael and Sharma, Archit and Mitchell, Eric and Ermon, Stefano and Manning, Christopher D. and Finn, Chelsea},
  date = {2024-07-29},
  eprint = {2305.18290},
  eprinttype = {arXiv},
  eprintclass = {cs},
  doi = {10.48550/arXiv.2305.18290},
  pubstate = {prepublished}
}

@misc{zhou2024transfusionpredicttokendiffuse,
      title={Transfusion: Predict the Next Token and Diffuse Images with One Multi-Modal Model},
      author={Chunting Zhou and Lili Yu and Arun Babu and Kushal Tirumala and Michihiro Yasunaga},
      year={2024},
      eprint={2408.11039v1},
      archivePrefix={arXiv},
      primaryClass={cs.AI},
      url={https://arxiv.org/abs/2408.11039},
}

@ARTICLE{1999JHEP...09..032S,
       author = {{Seiberg}, Nathan and {Witten}, Edward},
        title = "{String theory and noncommutative geometry}",
      journal = {Journal of High Energy Physics},
         year = 1999,
          eid = {032},
        pages = {032},
          doi = {10.1088/1126-6708/1999/09/032},
archivePrefix = {arXiv},
       eprint = {hep-th/9908142},
}

@inproceedings{he2016deep,
  title={Deep residual learning for image recognition},
  author={He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  booktitle={Proceedings of the IEEE conference on computer vision and pattern recognition},
  pages={770--778},
  year={2016}
}

@article{smith2021trial,
  title = {A randomized trial},
  journal = {The Lancet},
  eprint = {33812345},
  eprinttype = {pubmed},
  year = {2021}
}
"""


def test_bibtex_from_scholar_zotero_betterbibtex_arxiv_and_ads() -> None:
    result = ids_from_bibtex(BIBTEX)
    assert result.ids == ("1706.03762", "2006.11239", "2305.18290", "2408.11039", "hep-th/9908142")
    assert [p.where for p in result.problems] == ["entry he2016deep (line 60)", "entry smith2021trial (line 68)"]
    assert "Deep residual learning" in result.problems[0].problem


def test_abstract_mentions_are_not_taken_for_the_entry_id() -> None:
    entry = "@misc{a, title={T}, abstract={builds on arXiv:1503.03585}, year={2020}}"
    result = ids_from_bibtex(entry)
    assert result.ids == ()
    assert len(result.problems) == 1


@pytest.mark.parametrize("written, arxiv_id", [
    ("math.GT/0309136", "math/0309136"), ("arXiv:math.DG/0307245v3", "math/0307245"),
    ("https://arxiv.org/abs/cs.AI/0112017", "cs/0112017"), ("arXiv preprint physics.optics/0001001", "physics/0001001"),
    ("cond-mat.stat-mech/0102536", "cond-mat/0102536"),
    ("hep-th/9901001", "hep-th/9901001"), ("cs/0112017", "cs/0112017"), ("solv-int/9901001", "solv-int/9901001"),
    # the archive in capitals was stored so, an id arXiv does not know: its ids are lower case
    ("HEP-TH/9901001", "hep-th/9901001"), ("Math.GT/0309136", "math/0309136"),
    ("https://arxiv.org/abs/CS/0112017v1", "cs/0112017")])
def test_an_old_style_id_written_with_its_subject_class_is_arxivs_id(written: str, arxiv_id: str) -> None:
    # 'math.GT/0309136', as Google Scholar and some .bib files write it, was stored so, beside arXiv's 'math/0309136'
    assert arxiv_id_in(written) == arxiv_id
    entry = f"@article{{p, title={{T}}, eprint={{{written}}}, archivePrefix={{arXiv}}}}"
    assert ids_from_bibtex(entry).ids == (arxiv_id,)


def test_text_file_of_ids_and_links() -> None:
    text = "\n".join([
        "# papers I liked this week",
        "https://arxiv.org/abs/2602.04074v2",
        "https://arxiv.org/pdf/2602.04028v1.pdf",
        "https://arxiv.org/html/2602.03994v3#S2",
        "arXiv:2601.00001",
        "hep-th/9901001v1",
        "math.GT/0309136",
        "",
        "1501.00001  # old but gold",
        "2602.04074",
        "not a paper at all",
        "2613.00001",
    ])
    result = ids_from_text(text)
    assert result.ids == ("2602.04074", "2602.04028", "2602.03994", "2601.00001", "hep-th/9901001",
                          "math/0309136", "1501.00001")
    assert [str(p) for p in result.problems] == [
        "line 11: no arXiv id or link in 'not a paper at all'",
        "line 12: no arXiv id or link in '2613.00001'",
    ]


def test_ids_pasted_on_one_line_are_each_a_like() -> None:
    # '2602.04264, 2602.03879 2602.03911' imported 2602.04264 alone, and said nothing of the other two
    result = ids_from_text("2602.04264, 2602.03879 2602.03911\n"
                           "https://arxiv.org/abs/2602.04224 ; arXiv:2602.04074v2\n"
                           "2602.03994 Deep Bernstein networks, as good as 2602.04028\n"  # one paper and its notes
                           "2602.04264, 2613.00001\n")  # not all ids: the first alone, as before
    assert result.ids == ("2602.04264", "2602.03879", "2602.03911", "2602.04224", "2602.04074", "2602.03994")
    assert (result.read, result.skipped) == (4, 0)


@pytest.mark.parametrize("text, expected", [
    ("http://export.arxiv.org/abs/2106.09685v2", "2106.09685"),
    ("https://doi.org/10.48550/arXiv.2106.09685", "2106.09685"),
    ("0704.0001", "0704.0001"),
    ("0704.00001", None),  # five digits only from 2015 on
    ("1501.0001", None),  # four digits only before 2015
    ("https://huggingface.co/papers/2106.09685", "2106.09685"),
    ("cond-mat/0102536v2", "cond-mat/0102536"),
    ("call 555.12345", None),
])
def test_one_reference(text: str, expected: str | None) -> None:
    assert arxiv_id_in(text) == expected


def test_a_csl_json_url_is_read_as_a_link_as_bibtex_and_ris_read_theirs() -> None:
    # any bare id anywhere in its URL was read: a GitHub issue numbered 2301.12345 was imported as a paper
    items = [{"type": "webpage", "title": "An issue", "URL": "https://github.com/org/repo/issues/2301.12345"},
             {"type": "article", "title": "Attention", "URL": "https://arxiv.org/abs/1706.03762v5"},
             {"type": "article", "title": "DDPM", "URL": "https://doi.org/10.48550/arXiv.2006.11239"},
             {"type": "article", "title": "LoRA", "URL": "https://huggingface.co/papers/2106.09685"},
             {"type": "article", "title": "SAM", "URL": "https://example.org/sam", "number": "arXiv:2304.02643"}]
    result = ids_from_csl_json(json.dumps(items))
    assert result.ids == ("1706.03762", "2006.11239", "2106.09685", "2304.02643")
    assert [str(p) for p in result.problems] == ["item 1: no arXiv id in 'An issue'"]


def test_zotero_csl_json() -> None:
    items = [
        {"id": "http://zotero.org/users/123/items/ABCD1234", "type": "article", "title": "Attention Is All You Need",
         "publisher": "arXiv", "number": "arXiv:1706.03762", "source": "arXiv.org",
         "URL": "http://arxiv.org/abs/1706.03762", "DOI": "10.48550/arXiv.1706.03762",
         "author": [{"family": "Vaswani", "given": "Ashish"}], "issued": {"date-parts": [["2023", 8, 1]]}},
        {"id": "http://zotero.org/users/123/items/EFGH5678", "type": "article", "title": "LoRA",
         "number": "arXiv:2106.09685", "publisher": "arXiv"},
        {"id": "http://zotero.org/users/123/items/IJKL9012", "type": "article-journal",
         "title": "Deep residual learning", "container-title": "CVPR", "DOI": "10.1109/CVPR.2016.90"},
    ]
    result = ids_from_csl_json(json.dumps(items))
    assert result.ids == ("1706.03762", "2106.09685")
    assert [str(p) for p in result.problems] == ["item 3: no arXiv id in 'Deep residual learning'"]


# As Zotero, Google Scholar, Mendeley and EndNote write RIS; the abstract of the last cites an arXiv paper
# that is not the record's own, and the record has no id of its own: it must be reported, not guessed.
RIS = """\ufeffTY  - PREP
TI  - Segment Anything
AU  - Kirillov, Alexander
AU  - Mintun, Eric
AB  - We introduce the Segment Anything (SA) project: a new task, model, and dataset for image segmentation.
DA  - 2023/04/05/
PY  - 2023
DO  - 10.48550/arXiv.2304.02643
DP  - arXiv.org
PB  - arXiv
UR  - http://arxiv.org/abs/2304.02643
Y2  - 2024/01/02/17:03:11
N1  - arXiv:2304.02643 [cs]
KW  - Computer Science - Computer Vision and Pattern Recognition
ER  - 

TY  - JOUR
T1  - Attention is all you need
A1  - Vaswani, Ashish
JO  - arXiv preprint arXiv:1706.03762
Y1  - 2017
ER  - 

TY  - GEN
AU  - Hu, Edward J.
TI  - LoRA: Low-Rank Adaptation of Large Language Models
PY  - 2021
UR  - https://www.semanticscholar.org/paper/abc
L1  - http://arxiv.org/pdf/2106.09685v2
ER  - 

TY  - CONF
AU  - He, Kaiming
TI  - Deep residual learning for image recognition
AB  - Deeper neural networks are more difficult to train; see also arXiv:1512.03385 and
      https://arxiv.org/abs/1409.1556 for earlier work.
T2  - CVPR
ER  - 
"""

# Zotero's "Export Collection... CSV" (columns trimmed): quoted cells, an abstract over two lines that
# cites another paper, the id in Url, in DOI only, in Extra only, and a row with none.
CSV = (
    '\ufeff"Key","Item Type","Publication Year","Author","Title","Publication Title","DOI","Url",'
    '"Abstract Note","Extra"\n'
    '"ABCD1234","preprint","2023","Kirillov, Alexander","Segment Anything","","10.48550/arXiv.2304.02643",'
    '"http://arxiv.org/abs/2304.02643","We introduce the Segment Anything project.\nCompare arXiv:2103.00020.",'
    '"arXiv:2304.02643 [cs]"\n'
    '"EFGH5678","journalArticle","2017","Vaswani, Ashish","Attention is all you need","",'
    '"10.48550/arXiv.1706.03762","","",""\n'
    '"IJKL9012","preprint","2021","Hu, Edward J.","LoRA","","","","","arXiv: 2106.09685"\n'
    '"MNOP3456","conferencePaper","2016","He, Kaiming","Deep residual learning","CVPR","10.1109/CVPR.2016.90",'
    '"","Builds on arXiv:1409.1556",""\n'
)


def test_ris_from_zotero_scholar_mendeley_and_endnote() -> None:
    result = ids_from_ris(RIS)  # a byte-order mark before the first TY too
    assert result.ids == ("2304.02643", "1706.03762", "2106.09685")
    assert [str(p) for p in result.problems] == [
        "record 4 (line 32): no arXiv id in 'Deep residual learning for image recognition'"]


def test_zotero_csv_reads_links_and_ids_never_the_abstract() -> None:
    result = ids_from_csv(CSV)
    assert result.ids == ("2304.02643", "1706.03762", "2106.09685")
    assert [str(p) for p in result.problems] == ["row 5: no arXiv id in 'Deep residual learning'"]  # as a spreadsheet numbers it
    assert [str(p) for p in ids_from_csv("Title,Year\nX,2020\n").problems] == [
        "row 2: no arXiv id in 'X'", "line 1: no column named Url, DOI, Extra or arXiv in the header"]


# Zotero's own "Zotero RDF" export (trimmed): a preprint with its PDF attachment (an item of its own), a
# journal article with the journal nested in it, an article whose only arXiv link is in its abstract, a note.
ZOTERO_RDF = """<rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns:z="http://www.zotero.org/namespaces/export#"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:foaf="http://xmlns.com/foaf/0.1/"
 xmlns:bib="http://purl.org/net/biblio#"
 xmlns:link="http://purl.org/rss/1.0/modules/link/"
 xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:prism="http://prismstandard.org/namespaces/1.2/basic/">
    <rdf:Description rdf:about="http://arxiv.org/abs/2304.02643">
        <z:itemType>preprint</z:itemType>
        <dc:publisher><foaf:Organization><foaf:name>arXiv</foaf:name></foaf:Organization></dc:publisher>
        <link:link rdf:resource="#item_41"/>
        <dc:title>Segment Anything</dc:title>
        <dcterms:abstract>We introduce the Segment Anything (SA) project.</dcterms:abstract>
        <dc:identifier><dcterms:URI><rdf:value>http://arxiv.org/abs/2304.02643</rdf:value></dcterms:URI></dc:identifier>
        <dc:description>arXiv:2304.02643 [cs]</dc:description>
        <dc:identifier>DOI 10.48550/arXiv.2304.02643</dc:identifier>
        <prism:number>arXiv:2304.02643</prism:number>
    </rdf:Description>
    <z:Attachment rdf:about="#item_41">
        <z:itemType>attachment</z:itemType>
        <dc:title>arXiv Fulltext PDF</dc:title>
        <dc:identifier><dcterms:URI><rdf:value>https://arxiv.org/pdf/2304.02643v1</rdf:value></dcterms:URI></dc:identifier>
    </z:Attachment>
    <bib:Article rdf:about="#item_42">
        <z:itemType>journalArticle</z:itemType>
        <dcterms:isPartOf><bib:Journal><dc:title>Nature</dc:title></bib:Journal></dcterms:isPartOf>
        <dc:title>Highly accurate protein structure prediction with AlphaFold</dc:title>
        <dc:identifier>DOI 10.1038/s41586-021-03819-2</dc:identifier>
    </bib:Article>
    <bib:Article rdf:about="#item_43">
        <z:itemType>journalArticle</z:itemType>
        <dc:title>Attention is all you need</dc:title>
        <dc:identifier><dcterms:URI><rdf:value>https://arxiv.org/abs/1706.03762v7</rdf:value></dcterms:URI></dc:identifier>
        <dcterms:abstract>Improves on arXiv:1409.0473.</dcterms:abstract>
    </bib:Article>
    <bib:Memo rdf:about="#item_44"><z:itemType>note</z:itemType><rdf:value>read arXiv:2106.09685 next</rdf:value></bib:Memo>
</rdf:RDF>
"""


def test_zotero_rdf_reads_each_item_never_its_abstract_or_attachments() -> None:
    result = ids_from_zotero_rdf(ZOTERO_RDF)
    assert result.ids == ("2304.02643", "1706.03762")
    assert [str(p) for p in result.problems] == [
        "item 2: no arXiv id in 'Highly accurate protein structure prediction with AlphaFold'"]
    with pytest.raises(BadInputFile, match=r"library.rdf:2: not valid XML \(mismatched tag\)"):
        ids_from_zotero_rdf("<RDF>\n</rdf>", "library.rdf")


def test_a_link_in_a_csv_or_zotero_rdf_is_read_as_a_link_not_for_any_number_it_holds() -> None:
    # a Zotero webpage item of a GitHub issue numbered 2301.12345 was imported as a like of that paper
    issue = "https://github.com/org/repo/issues/2301.12345"
    csv_text = (f"Key,Item Type,Title,Url,Extra\nA,webpage,An issue,{issue},\n"
                "B,preprint,DDPM,https://doi.org/10.48550/arXiv.2006.11239,\nC,preprint,LoRA,,arXiv: 2106.09685\n")
    assert ids_from_csv(csv_text).ids == ("2006.11239", "2106.09685")
    assert [str(p) for p in ids_from_csv(csv_text).problems] == ["row 2: no arXiv id in 'An issue'"]
    rdf = ZOTERO_RDF.replace("</rdf:RDF>", f"""    <bib:Document rdf:about="{issue}">
        <z:itemType>webpage</z:itemType>
        <dc:title>An issue</dc:title>
        <dc:identifier><dcterms:URI><rdf:value>{issue}</rdf:value></dcterms:URI></dc:identifier>
    </bib:Document>
</rdf:RDF>""")
    result = ids_from_zotero_rdf(rdf)
    assert result.ids == ("2304.02643", "1706.03762")
    assert [str(p) for p in result.problems][-1] == "item 4: no arXiv id in 'An issue'"


def test_import_ids_tells_formats_apart(tmp_path: Path) -> None:
    (tmp_path / "likes.bib").write_text(BIBTEX, encoding="utf-8")
    (tmp_path / "export.json").write_text(json.dumps([{"title": "x", "URL": "https://arxiv.org/abs/2408.11039"}]))
    (tmp_path / "ids.txt").write_text("2408.11039\n")
    assert import_ids(tmp_path / "likes.bib").ids[0] == "1706.03762"
    assert import_ids(tmp_path / "export.json").ids == ("2408.11039",)
    assert import_ids(tmp_path / "ids.txt").ids == ("2408.11039",)
    (tmp_path / "zotero.ris").write_text(RIS, encoding="utf-8")
    (tmp_path / "scholar.txt").write_text(RIS.lstrip("\ufeff"), encoding="utf-8")  # RIS told by its first line
    (tmp_path / "zotero.csv").write_text(CSV, encoding="utf-8")
    assert import_ids(tmp_path / "zotero.ris").ids == ("2304.02643", "1706.03762", "2106.09685")
    assert import_ids(tmp_path / "scholar.txt").ids == ("2304.02643", "1706.03762", "2106.09685")
    assert import_ids(tmp_path / "zotero.csv").ids == ("2304.02643", "1706.03762", "2106.09685")
    (tmp_path / "My Library.rdf").write_text(ZOTERO_RDF, encoding="utf-8")
    assert import_ids(tmp_path / "My Library.rdf").ids == ("2304.02643", "1706.03762")


def test_semantic_scholar_puts_the_id_in_the_volume() -> None:
    # Semantic Scholar's BibTeX (and a Zotero item made from it): journal ArXiv, volume abs/ID, a CorpusID url
    bib = ("@article{Vaswani2017AttentionIA,\n  title={Attention is All you Need},\n  journal={ArXiv},\n  year={2017},\n"
           "  volume={abs/1706.03762},\n  url={https://api.semanticscholar.org/CorpusID:13756489}\n}\n"
           "@article{Real2019,\n  title={A journal paper},\n  journal={Nature},\n  volume={abs/1706.03763}\n}\n")
    assert ids_from_bibtex(bib).ids == ("1706.03762",)
    csl = [{"title": "Attention", "container-title": "ArXiv", "volume": "abs/1706.03762"}]
    assert ids_from_csl_json(json.dumps(csl)).ids == ("1706.03762",)


BOOKMARKS = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000001" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://arxiv.org/abs/1706.03762" ADD_DATE="1700000002">[1706.03762] Attention Is All You Need</A>
        <DT><A HREF="https://github.com/" ADD_DATE="1700000003">GitHub</A>
        <DT><A HREF="https://huggingface.co/papers/2602.03994" ADD_DATE="1700000004">Paper page</A>
        <DT><A HREF="https://www.alphaxiv.org/abs/2602.03911v1" ADD_DATE="1700000005">alphaXiv</A>
        <DT><A HREF="https://example.com/2602.00001" ADD_DATE="1700000006">a number, not a paper</A>
        <DT><A HREF="https://arxiv.org/pdf/1706.03762v7" ADD_DATE="1700000007">1706.03762v7.pdf</A>
    </DL><p>
</DL><p>
"""


def test_a_browsers_bookmarks_give_the_arxiv_papers_they_link_to(tmp_path: Path) -> None:
    (tmp_path / "bookmarks_11_29_26.html").write_text(BOOKMARKS, encoding="utf-8")
    (tmp_path / "saved.txt").write_text(BOOKMARKS, encoding="utf-8")  # told by its start, not only its suffix
    for name in ("bookmarks_11_29_26.html", "saved.txt"):
        result = import_ids(tmp_path / name)
        assert result.ids == ("1706.03762", "2602.03994", "2602.03911") and result.problems == ()
    (tmp_path / "page.html").write_text('<html><a href="https://github.com/">x</a></html>', encoding="utf-8")
    assert [str(p) for p in import_ids(tmp_path / "page.html").problems] == [
        "line 1: no arXiv link among its 1 link"]


def test_exports_in_the_encodings_older_tools_write(tmp_path: Path) -> None:
    latin = tmp_path / "jabref.bib"  # Latin-1, as JabRef and BibDesk wrote by default for years
    latin.write_bytes("@article{cafe,\n  title = {Caf\u00e9 r\u00e9sum\u00e9},\n  author = {M\u00fcller},\n"
                      "  eprint = {1706.03762},\n}\n".encode("latin-1"))
    endnote = tmp_path / "endnote.ris"  # UTF-16 with its BOM, as EndNote can export
    endnote.write_bytes(RIS.lstrip("\ufeff").encode("utf-16"))
    assert import_ids(latin).ids == ("1706.03762",)
    assert import_ids(endnote).ids == ("2304.02643", "1706.03762", "2106.09685")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\narXiv:1706.03762v7\n")
    with pytest.raises(BadInputFile, match=r"paper\.pdf: not a text file: give a list of arXiv ids or URLs"):
        import_ids(pdf)


def test_bad_files_name_the_path(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[{\"title\": ", encoding="utf-8")
    with pytest.raises(BadInputFile, match="broken.json"):
        import_ids(broken)
    with pytest.raises(BadInputFile, match="missing.txt"):
        import_ids(tmp_path / "missing.txt")
    with pytest.raises(BadInputFile, match=r"a folder: give the file exported into it"):  # was "Is a directory"
        import_ids(tmp_path)


def test_scholar_entries_from_arxiv_e_prints_keep_the_id_in_their_pages() -> None:
    # Google Scholar's entries of ADS origin: journal "arXiv e-prints", the eid turned into a page range
    entry = ("@article{achiam2023gpt,\n  title={Gpt-4 technical report},\n  author={Achiam, Josh and others},\n"
             "  journal={arXiv e-prints},\n  pages={arXiv--2303.08774},\n  year={2023}\n}\n"
             "@article{hu2021lora,\n  title={Lora},\n  journal={arXiv e-prints},\n  pages={arXiv--2106},\n"
             "  year={2021}\n}\n")
    result = ids_from_bibtex(entry)
    assert result.ids == ("2303.08774",)
    assert [p.where for p in result.problems] == ["entry hu2021lora (line 8)"]  # a bare month: no id to take


def test_bibtex_that_opens_with_a_comment_is_told_by_its_first_entry(tmp_path: Path) -> None:
    # JabRef writes "% Encoding: UTF-8" first; saved as .txt, it must not be read line by line as a list of ids,
    # which took the arXiv paper its abstract cites (1503.03585) for a like
    (tmp_path / "library.txt").write_text(BIBTEX, encoding="utf-8")
    assert BIBTEX.lstrip().startswith("%")
    result = import_ids(tmp_path / "library.txt")
    assert result.ids == ids_from_bibtex(BIBTEX).ids
    assert [p.where for p in result.problems] == ["entry he2016deep (line 60)", "entry smith2021trial (line 68)"]


def test_csl_json_nested_thousands_deep_is_one_line_not_a_bug(tmp_path, capsys):
    # json reads by recursion: "unexpected RecursionError: maximum recursion depth exceeded while decoding a JSON
    # array from a unicode string (a bug in paperradar ...)"
    from paperradar.cli import main
    path = tmp_path / "library.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["feedback", "import", str(path), "--offline"]) == 1
    assert capsys.readouterr().err == (f"paperradar: error: {path}: not CSL JSON: lists or objects nested thousands "
                                       "deep\n")


def test_a_large_library_takes_time_in_proportion_to_its_size() -> None:
    # each entry's line was counted from the top of the file: a 5,000-entry Zotero library took 4.5 s, and 4 times
    # the entries took 15 times as long
    import time

    def took(n: int) -> float:
        text = "".join(f"@misc{{p{i},\n  title = {{Paper {i}}},\n  abstract = {{{'A sentence of an abstract. ' * 15}}},"
                       f"\n  eprint = {{2401.{i:05d}}},\n  archiveprefix = {{arXiv}},\n}}\n\n" for i in range(n))
        start = time.perf_counter()
        assert len(ids_from_bibtex(text).ids) == n
        return time.perf_counter() - start

    took(300)  # warm up
    assert took(6000) / took(1500) < 8  # 4 when linear; 15 before


def test_a_brace_left_open_halfway_loses_only_its_own_entry_and_names_its_line() -> None:
    # a title's brace left open took the next entry's fields for its own: 2602.04264 was not imported, the entry that
    # lost its own id took the next one's, and nothing was said; an entry without its closing brace hid a journal
    # paper the same way
    library = (
        "@misc{first2026,\n  title = {First},\n  eprint = {2602.03879},\n  archiveprefix = {arXiv},\n}\n\n"
        "@misc{open2026,\n  title = {A {Title} with an {open brace},\n  eprint = {2602.04264},\n"
        "  archiveprefix = {arXiv},\n}\n\n"  # lines 7-11
        "@misc{third2026,\n  title = {Third},\n  eprint = {2602.03911},\n  archiveprefix = {arXiv},\n}\n\n"
        "@article{unclosed2021,\n  title = {A journal paper},\n  journal = {Nature},\n  year = {2021},\n\n"  # 19
        "@misc{last2026,\n  title = {Last},\n  url = {https://arxiv.org/abs/2602.04224v1},\n}\n"  # line 24
        "@misc{truncated2026,\n  title = {Cut short,\n  eprint = {2602.04074}")
    result = ids_from_bibtex(library)
    assert result.ids == ("2602.03879", "2602.03911", "2602.04224")
    assert [str(p) for p in result.problems] == [
        "entry open2026 (line 7): no arXiv id read: a brace it opens is not closed before line 13, where the next "
        "entry starts; check its braces",
        "entry unclosed2021 (line 19): no arXiv id read: a brace it opens is not closed before line 24, where the "
        "next entry starts; check its braces",
        "entry truncated2026 (line 28): no arXiv id read: a brace it opens is not closed before the end of the file; "
        "check its braces"]
    # an entry that ends on the line where the next begins is not broken, nor is a value's brace closed lines later
    assert ids_from_bibtex("@misc{a, eprint={2602.03879}} @misc{b, note={arXiv:2602.04264\n[cs]}}\n").ids == (
        "2602.03879", "2602.04264")


def test_a_brace_too_many_is_named_as_one_not_as_an_entry_without_an_id() -> None:
    # 'no arXiv id in misc 'First'', of an entry whose eprint a stray brace had left outside it
    library = ("@misc{first2026,\n  title = {First}},\n  eprint = {2602.03879},\n  archiveprefix = {arXiv},\n}\n"
               "% notes = {between entries, not a field}\n"
               "@article{journal2021,\n  title = {A journal paper},\n  journal = {Nature}\n}\n")
    assert [str(p) for p in ids_from_bibtex(library).problems] == [
        "entry first2026 (line 1): no arXiv id read: a brace on line 2 closes it before its field eprint on line 3; "
        "check its braces",
        "entry journal2021 (line 7): no arXiv id in article 'A journal paper'"]


# Whole files as JabRef 5 (its encoding line, its groups in @Comment blocks), Mendeley Desktop (prose before the first
# entry, arxivId beside eprint or alone) and arXiv's two "Export BibTeX citation" forms (its own, and DataCite's, whose key
# is a URL) write them; the last entry of each holds no arXiv id.
JABREF = r"""% Encoding: UTF-8

@Article{Radford2021,
  author        = {Alec Radford and Jong Wook Kim and Chris Hallacy},
  title         = {Learning Transferable Visual Models From Natural Language Supervision},
  year          = {2021},
  month         = feb,
  abstract      = {State-of-the-art computer vision systems are trained to predict a fixed set of predetermined object categories.},
  archiveprefix = {arXiv},
  eprint        = {2103.00020},
  file          = {:http\://arxiv.org/pdf/2103.00020v1:PDF},
  keywords      = {cs.CV, cs.LG},
  primaryclass  = {cs.CV},
}

@InProceedings{Krizhevsky2012,
  author    = {Krizhevsky, Alex and Sutskever, Ilya and Hinton, Geoffrey E.},
  booktitle = {Advances in Neural Information Processing Systems},
  title     = {ImageNet Classification with Deep Convolutional Neural Networks},
  year      = {2012},
  volume    = {25},
}

@Comment{jabref-meta: databaseType:bibtex;}

@Comment{jabref-meta: grouping:
0 AllEntriesGroup:;
1 StaticGroup:Vision\;0\;1\;0x8a8a8aff\;\;\;;
}
"""
MENDELEY = r"""Automatically generated by Mendeley Desktop 1.19.8
Any changes to this file will be lost if it is regenerated by Mendeley.

BibTeX export options can be customized via Options -> BibTeX in Mendeley Desktop

@article{Devlin2018,
abstract = {We introduce a new language representation model called BERT.},
archivePrefix = {arXiv},
arxivId = {1810.04805},
author = {Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina},
eprint = {1810.04805},
file = {:home/ana/.local/share/data/Mendeley Ltd./Mendeley Desktop/Downloaded/Devlin et al. - 2018 - BERT.pdf:pdf},
journal = {arXiv},
mendeley-groups = {NLP},
title = {{BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding}},
url = {http://arxiv.org/abs/1810.04805},
year = {2018}
}
@article{Kingma2014,
archivePrefix = {arXiv},
arxivId = {1412.6980},
author = {Kingma, Diederik P. and Ba, Jimmy},
journal = {3rd International Conference on Learning Representations, ICLR 2015 - Conference Track Proceedings},
title = {{Adam: A method for stochastic optimization}},
year = {2014}
}
@article{LeCun2015,
author = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey},
doi = {10.1038/nature14539},
issn = {14764687},
journal = {Nature},
number = {7553},
pages = {436--444},
title = {{Deep learning}},
volume = {521},
year = {2015}
}
"""
ARXIV_EXPORTS = r"""@misc{vaswani2023attentionneed,
      title={Attention Is All You Need}, 
      author={Ashish Vaswani and Noam Shazeer and Niki Parmar and Jakob Uszkoreit and Llion Jones and Aidan N. Gomez and Lukasz Kaiser and Illia Polosukhin},
      year={2023},
      eprint={1706.03762},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/1706.03762}, 
}
@misc{https://doi.org/10.48550/arxiv.2602.04264,
  doi = {10.48550/ARXIV.2602.04264},
  url = {https://arxiv.org/abs/2602.04264},
  author = {Someone, A.},
  keywords = {Computer Vision and Pattern Recognition (cs.CV), FOS: Computer and information sciences},
  title = {A title},
  publisher = {arXiv},
  year = {2026},
  copyright = {arXiv.org perpetual, non-exclusive license}
}
@article{Maldacena_1999,
   title={The Large-N Limit of Superconformal Field Theories and Supergravity},
   volume={38},
   ISSN={0020-7748},
   url={http://dx.doi.org/10.1023/A:1026654312961},
   DOI={10.1023/a:1026654312961},
   number={4},
   journal={International Journal of Theoretical Physics},
   publisher={Springer Science and Business Media LLC},
   author={Maldacena, Juan},
   year={1999},
   pages={1113–1133} }
"""


@pytest.mark.parametrize("name, text, ids, skipped", [
    ("jabref.bib", JABREF, ("2103.00020",), ["entry Krizhevsky2012 (line 16)"]),
    ("mendeley.bib", MENDELEY, ("1810.04805", "1412.6980"), ["entry LeCun2015 (line 27)"]),
    ("citations.bib", ARXIV_EXPORTS, ("1706.03762", "2602.04264"), ["entry Maldacena_1999 (line 20)"]),
])
def test_whole_exports_of_jabref_mendeley_and_arxiv(tmp_path: Path, name: str, text: str, ids: tuple[str, ...],
                                                    skipped: list[str]) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = import_ids(tmp_path / name)
    assert result.ids == ids and [p.where for p in result.problems] == skipped


# An entry whose only arXiv id is where Mendeley Desktop, JabRef or BibDesk keep it, as each writes it
LINK_ONLY = r"""@article{Ho2020,
archivePrefix = {arXiv},
arxivId = {arXiv:2006.11239v2},
author = {Ho, Jonathan and Jain, Ajay and Abbeel, Pieter},
journal = {NeurIPS},
title = {{Denoising Diffusion Probabilistic Models}},
year = {2020}
}

@Article{Vaswani2017,
  author    = {Ashish Vaswani and Noam Shazeer},
  title     = {Attention Is All You Need},
  booktitle = {Advances in Neural Information Processing Systems 30},
  year      = {2017},
  file      = {:http\://arxiv.org/pdf/1706.03762v5:PDF},
}

@InProceedings{Radford2021,
  author    = {Radford, Alec and Kim, Jong Wook},
  title     = {Learning Transferable Visual Models From Natural Language Supervision},
  booktitle = {ICML},
  year      = {2021},
  file      = {Fulltext PDF:C\:\\Users\\ana\\Papers\\Radford2021.pdf:PDF;Snapshot:https\://arxiv.org/abs/2103.00020:URL},
}

@inproceedings{Kingma:2014aa,
	Author = {Kingma, Diederik P. and Ba, Jimmy},
	Booktitle = {ICLR},
	Date-Added = {2023-01-12 10:21:07 +0100},
	Title = {Adam: A Method for Stochastic Optimization},
	Year = {2015},
	Bdsk-Url-1 = {https://arxiv.org/abs/1412.6980}}

@article{Lecun2015,
  title = {Deep learning},
  file = {:/home/ana/papers/lecun-2015.pdf:PDF},
  journal = {Nature}
}
"""


def test_the_arxiv_id_of_mendeley_jabref_and_bibdesk_where_they_keep_it() -> None:
    # Mendeley's arxivId alone, JabRef's file (':' escaped as '\:') and BibDesk's Bdsk-Url-1 were not read: each
    # entry was skipped as 'no arXiv id in article ...'
    result = ids_from_bibtex(LINK_ONLY)
    assert result.ids == ("2006.11239", "1706.03762", "2103.00020", "1412.6980")
    assert [p.where for p in result.problems] == ["entry Lecun2015 (line 34)"]


# A JabRef comment holding the conference version's BibTeX pasted in, a Mendeley note whose line starts with a
# handle, and an entry commented out with %, as biber and JabRef read it
AT_IN_VALUES = r"""% @article{dropped2020,
%   title = {An entry commented out},
%   journal = {Nature},
% }

@Misc{Radford2021,
  author        = {Alec Radford and Jong Wook Kim},
  title         = {Learning Transferable Visual Models From Natural Language Supervision},
  year          = {2021},
  comment       = {Published version:
@InProceedings{radford2021icml,
  title = {Learning Transferable Visual Models From Natural Language Supervision},
  booktitle = {ICML},
  year = {2021}
}
cite that one in the paper.},
  eprint        = {2103.00020},
  archiveprefix = {arXiv},
}

@article{Ho2020,
annote = {Recommended by
@AK (Twitter), read in the reading group.},
archivePrefix = {arXiv},
arxivId = {2006.11239},
title = {{Denoising Diffusion Probabilistic Models}},
year = {2020}
}
@article{LeCun2015,
title = {{Deep learning}},
journal = {Nature},
year = {2015}
}
"""


def test_an_entry_start_inside_a_value_or_after_a_percent_is_not_an_entry() -> None:
    # each '@kind{' at a line start inside a value was read as an entry, and the entry it was in lost its id:
    # 2103.00020 and 2006.11239 were not imported, 'radford2021icml', '@AK (Twitter)' and the commented-out
    # 'dropped2020' were named as entries without an arXiv id, and each broken entry was said to have a brace left open
    result = ids_from_bibtex(AT_IN_VALUES)
    assert result.ids == ("2103.00020", "2006.11239")
    assert [str(p) for p in result.problems] == ["entry LeCun2015 (line 29): no arXiv id in article 'Deep learning'"]
    # an entry left open, before words that are no field, is not read on into the next one by a brace too many later
    library = ("@misc{a,\n  title = {A},\n  eprint = {2602.04264}, archiveprefix = {arXiv},\n  see also\n"
               "@misc{b,\n  title = {B},\n  eprint = {2602.03879},\n  archiveprefix = {arXiv},\n}\n}\n")
    assert ids_from_bibtex(library).ids == ("2602.04264", "2602.03879")


def test_a_library_with_old_mac_line_endings_names_each_entry_at_its_line(tmp_path: Path) -> None:
    # lines ended by CR alone (classic Mac OS tools, and Mac editors set so since): every entry was 'line 1', and
    # so was the line a brace left open ran to; nor did the next entry's line end the broken one, the line ends unseen
    text = ("@article{lecun2015,\n  title={Deep learning},\n  journal={Nature}\n}\n\n"
            "@misc{open2026,\n  title={An {open brace},\n  eprint={2602.04264},\n  archivePrefix={arXiv}\n}\n"
            "@misc{b,\n  title={B},\n  eprint={2602.03879},\n  archivePrefix={arXiv}\n}\n")
    for ending in ("\r", "\r\n"):
        (tmp_path / "mac.bib").write_bytes(text.replace("\n", ending).encode())
        result = import_ids(tmp_path / "mac.bib")
        assert result.ids == ("2602.03879",), ending
        assert [str(p) for p in result.problems] == [
            "entry lecun2015 (line 1): no arXiv id in article 'Deep learning'",
            "entry open2026 (line 6): no arXiv id read: a brace it opens is not closed before line 11, where the next "
            "entry starts; check its braces"], ending


# Pages saved to Zotero from alphaXiv, Hugging Face, ar5iv and SciRate (a webpage item: its url alone), and a DOI
# link written as the url, as Zotero exports them to BibTeX and RIS
SAVED_PAGES = r"""@misc{noauthor_deep_nodate,
	title = {Deep {Bernstein} {Networks} {\textbar} {alphaXiv}},
	url = {https://www.alphaxiv.org/abs/2602.04264},
	urldate = {2026-02-10},
}

@misc{noauthor_paper_nodate,
	title = {Paper page - {TruKAN}},
	url = {https://huggingface.co/papers/2602.03879},
	urldate = {2026-02-10},
}

@misc{noauthor_ar5iv_nodate,
	title = {Attention {Is} {All} {You} {Need}},
	url = {https://ar5iv.org/abs/1706.03762},
}

@misc{noauthor_scirate_nodate,
	title = {{SciRate}},
	url = {https://scirate.com/arxiv/2602.03911},
}

@misc{ho_ddpm_2020,
	title = {Denoising {Diffusion} {Probabilistic} {Models}},
	url = {https://doi.org/10.48550/arXiv.2006.11239},
	publisher = {arXiv},
	year = {2020},
}

@misc{noauthor_code_nodate,
	title = {Code for 2602.04074},
	url = {https://github.com/someone/2602.04074},
}
"""


def test_a_paper_saved_from_its_page_elsewhere_or_its_doi_link_is_read_by_its_url(tmp_path: Path) -> None:
    # each was skipped as 'no arXiv id in misc ...': a url was read only as an arxiv.org link
    result = ids_from_bibtex(SAVED_PAGES)
    assert result.ids == ("2602.04264", "2602.03879", "1706.03762", "2602.03911", "2006.11239")
    assert [p.where for p in result.problems] == ["entry noauthor_code_nodate (line 30)"]  # any link is not a paper's
    ris = ("TY  - ELEC\nTI  - Paper page - TruKAN\nUR  - https://huggingface.co/papers/2602.03879\nY2  - 2026/02/10/\n"
           "ER  - \n\nTY  - ELEC\nTI  - alphaXiv\nUR  - https://www.alphaxiv.org/overview/2602.04264v2\nER  - \n")
    assert ids_from_ris(ris).ids == ("2602.03879", "2602.04264")


def test_a_field_line_commented_out_is_not_read_nor_a_brace_to_mend() -> None:
    # '% url = {...},' inside an entry ended it at the url's brace: 'no arXiv id read: a brace on line 3 closes it
    # before its field journal on line 4; check its braces', and the paper was lost
    library = ("@article{vaswani2017,\n  title = {Attention is all you need},\n"
               "  % url = {https://arxiv.org/abs/1706.03762},\n  journal = {NeurIPS},\n  eprint = {1706.03762},\n"
               "  archivePrefix = {arXiv},\n  year = {2017}\n}\n"
               "@article{lecun2015,\n  title = {Deep learning},\n  % eprint = {1503.03585}, archivePrefix = {arXiv},\n"
               "  journal = {Nature}}\n")
    result = ids_from_bibtex(library)
    assert result.ids == ("1706.03762",)
    assert [str(p) for p in result.problems] == ["entry lecun2015 (line 9): no arXiv id in article 'Deep learning'"]
