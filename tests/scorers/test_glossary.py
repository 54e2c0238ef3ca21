"""The bundled glossary of Chinese terms: well formed, and cut into terms longest first."""

from __future__ import annotations

from importlib.resources import files

import pytest

from paperradar.scorers.glossary import Glossary, glossary


def test_the_bundled_glossary_loads_with_its_terms_each_once() -> None:
    lines = (files("paperradar") / "data" / "zh-en-terms.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    chinese = [r[0] for r in rows]
    assert len(glossary().english) == len(rows) == len(set(chinese)) >= 500
    for term, english in glossary().english.items():
        assert english and all(e and e == e.strip() for e in english), term
        assert len(set(english)) == len(english), term


@pytest.mark.parametrize("line, problem", [
    ("量化\tquantization\n量化\tquantisation", "量化 is already in the glossary"),
    ("量化\t", "glossary line 1: write the Chinese term, a tab"),
    ("量化\tquantization||quantized", "glossary line 1"),
    ("量化 quantization", "glossary line 1"),
    ("KV 缓存\tKV cache", "glossary line 1"),  # a term is Chinese alone: text is cut into them at English
])
def test_a_malformed_glossary_line_is_refused_by_its_number(line: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Glossary.parse(line.splitlines())


def test_text_is_cut_into_terms_longest_first() -> None:
    g = Glossary.parse(["扩散\tdiffusion", "扩散模型\tdiffusion model", "模型压缩\tmodel compression",
                        "大语言模型\tlarge language model|LLM", "语言模型\tlanguage model", "量化\tquantization"])
    assert g.terms("基于扩散模型压缩与大语言模型的量化") == ["扩散模型", "大语言模型", "量化"]
    assert g.translate("大语言模型（LLM）量化，以及 LLM 的量化") == ["large language model", "LLM", "quantization"]
    assert g.translate("KV cache compression") == []


def test_the_bundled_glossary_reads_a_chinese_readers_terms() -> None:
    assert glossary().translate("投机解码与知识蒸馏，文生图") == [
        "speculative decoding", "knowledge distillation", "text-to-image"]
