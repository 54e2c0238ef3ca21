"""Reasons name the field, only terms the paper really uses, and the paper's own claim."""

from __future__ import annotations

import re
from datetime import date

from paperradar.models import Field, Paper
from paperradar.scorers.reasons import found_terms, key_claim, sentences, with_dislike, with_like, write_reason
from paperradar.sources.jsonl import detex, read_jsonl
from tests._paths import SAMPLE_DAY

EFFICIENT = Field("高效大模型训练与推理", ("efficient LLM training", "KV cache", "quantization"))


def paper(title: str, abstract: str) -> Paper:
    return Paper("2602.00001", title, (), abstract, ("cs.LG",), date(2026, 2, 5))


QUANT = paper(
    "Low-Bit Quantization of Large Language Models",
    "Serving large language models is costly, e.g. in memory. In this work, we propose BitSqueeze, a "
    "post-training quantization method that compresses the KV-cache and weights to 3 bits. Experiments on "
    "LLaMA show 2.1x faster decoding.")


def test_zh_reason_names_field_terms_found_and_the_claim() -> None:
    reason = write_reason(QUANT, EFFICIENT, ["quantization", "KV cache", "speculative decoding"], "zh")
    assert reason.startswith("与「高效大模型训练与推理」相关（匹配：")
    assert "quantization" in reason.lower() and "KV-cache" in reason  # spelled as the paper spells it
    assert "speculative decoding" not in reason  # the paper never says it
    assert "论文要点：In this work, we propose BitSqueeze" in reason


def test_english_reason_for_en_profile() -> None:
    reason = write_reason(QUANT, EFFICIENT, ["quantization"], "en")
    assert reason.startswith("Related to “高效大模型训练与推理” (matched: Quantization")
    assert "Key claim: In this work, we propose" in reason
    assert not re.search(r"[论文要点匹配]", reason)


def test_reason_without_matched_terms_says_closeness_only() -> None:
    reason = write_reason(QUANT, EFFICIENT, ["pruning"], "zh")
    assert reason.startswith("与「高效大模型训练与推理」语义最接近。")
    assert "匹配" not in reason


def test_a_field_chosen_by_evidence_claims_no_closeness_and_no_match() -> None:
    assert write_reason(QUANT, EFFICIENT, ["quantization"], "zh", closest=False).startswith("归入「高效大模型训练与推理」。论文要点：")
    reason = write_reason(QUANT, EFFICIENT, ["quantization"], "en", avoided="医疗健康", closest=False)
    assert reason.startswith("Filed under “高效大模型训练与推理”; leans to “医疗健康”, scored down. Key claim: In this work")


def test_a_liked_paper_it_resembles_is_named_in_the_profiles_language() -> None:
    assert write_reason(QUANT, EFFICIENT, ["pruning"], "zh", resembles="2602.01234").startswith(
        "与「高效大模型训练与推理」语义最接近；与你喜欢的 2602.01234 相近。论文要点：In this work")
    assert write_reason(QUANT, EFFICIENT, ["pruning"], "en", resembles="2602.01234", avoided="医疗健康").startswith(
        "Closest in meaning to “高效大模型训练与推理”; like 2602.01234, which you liked; leans to “医疗健康”, scored"
        " down. Key claim: In this work")


def test_a_disliked_paper_it_is_like_is_named_and_the_drop_said() -> None:
    assert write_reason(QUANT, EFFICIENT, ["pruning"], "zh", disliked="2602.01234").startswith(
        "与「高效大模型训练与推理」语义最接近；与你不喜欢的 2602.01234 相近，已降分。论文要点：In this work")
    assert write_reason(QUANT, EFFICIENT, ["pruning"], "en", resembles="2602.04321", disliked="2602.01234").startswith(
        "Closest in meaning to “高效大模型训练与推理”; like 2602.04321, which you liked; like 2602.01234, which you "
        "disliked, scored down. Key claim: In this work")
    # the disliked paper itself, listed again (a new version): it says so rather than that it is like itself
    assert "；你不喜欢这篇，已降分。" in write_reason(QUANT, EFFICIENT, [], "zh", disliked=QUANT.id)
    assert "; you disliked it, scored down." in write_reason(QUANT, EFFICIENT, [], "en", disliked=QUANT.id)


def test_an_llms_reason_takes_the_dislike_clause_before_its_full_stop() -> None:
    assert with_dislike("论文研究大模型的安全推理。", "2602.04448", "2602.04224", "zh") == (
        "论文研究大模型的安全推理；与你不喜欢的 2602.04224 相近，已降分。")
    assert with_dislike("Proposes safe routing for MoE models. ", "2602.04448", "2602.04224", "en") == (
        "Proposes safe routing for MoE models; like 2602.04224, which you disliked, scored down.")
    assert with_dislike("Safety alignment of MoE models", "2602.04224", "2602.04224", "en") == (
        "Safety alignment of MoE models; you disliked it, scored down.")
    assert with_dislike("…the routers of MoE models…", "2602.04448", "2602.04224", "zh") == (
        "…the routers of MoE models…；与你不喜欢的 2602.04224 相近，已降分。")
    # an LLM verdict below the bar carries no reason: the clause stands alone
    assert with_dislike("", "2602.04448", "2602.04224", "zh") == "与你不喜欢的 2602.04224 相近，已降分。"
    assert with_dislike("", "2602.04224", "2602.04224", "en") == "You disliked it, scored down."


def test_avoid_note_is_in_profile_language() -> None:
    assert "偏向「医疗健康」" in write_reason(QUANT, EFFICIENT, [], "zh", avoided="医疗健康")
    assert "leans to “医疗健康”" in write_reason(QUANT, EFFICIENT, [], "en", avoided="医疗健康")


def test_sentences_do_not_split_after_abbreviations() -> None:
    parts = sentences("Models cost a lot, e.g. GPUs. We fix it. Results improve 3.5 points.")
    assert parts == ["Models cost a lot, e.g. GPUs.", "We fix it.", "Results improve 3.5 points."]


def test_key_claim_is_trimmed_at_a_word_and_falls_back_to_first_sentence() -> None:
    long = "We propose " + "a very careful method " * 30 + "."
    claim = key_claim(long, limit=80)
    assert claim.endswith("…") and len(claim) <= 81 and claim[:-1] in long
    assert key_claim("Transformers are widely used. Their cost grows.") == "Transformers are widely used."


def test_found_terms_only_returns_words_in_the_text() -> None:
    assert found_terms(QUANT, ["kv cache", "large language model", "diffusion"]) == \
        ["KV-cache", "Large Language Models"]  # first spelling in title+abstract


def test_every_sample_reason_is_one_line_quotes_the_paper_and_never_scores() -> None:
    field = Field("大模型安全与对齐", ("alignment", "LLM safety", "jailbreak"))
    for p in read_jsonl(SAMPLE_DAY):
        reason = write_reason(p, field, ["alignment", "jailbreak", "safety"], "zh")
        assert "\n" not in reason and "Score:" not in reason and "Field:" not in reason
        claim = reason.split("论文要点：", 1)[1].rstrip("…")
        assert claim in detex(p.abstract)


def test_the_claim_shows_tex_accents_as_letters() -> None:
    # as the title and the authors are: "Padé-style", not "Pad\\'e-style"
    ran = next(p for p in read_jsonl(SAMPLE_DAY) if p.id == "2602.04006")
    reason = write_reason(ran, Field("深度学习理论", ("network architecture",)), [], "en")
    assert "Key claim: We propose the Rational-ANOVA Network (RAN)" in reason
    assert "Padé-style rational approximation" in reason and "\\" not in reason


def test_a_longer_term_found_later_takes_the_place_of_the_shorter_one_it_contains() -> None:
    """A keyword then the description's longer term with it read 'matched: Vision-Language-Action,
    Vision-Language-Action model'."""
    vla = paper("A Vision-Language-Action Model for Bimanual Robots",
                "We train a vision-language-action model on teleoperation data for bimanual manipulation.")
    assert found_terms(vla, ["vision-language-action", "teleoperation", "vision-language-action model"]) == \
        ["Vision-Language-Action Model", "teleoperation"]
    assert found_terms(vla, ["vision-language-action model", "vision-language-action"]) == \
        ["Vision-Language-Action Model"]


def test_a_plural_keyword_is_found_in_the_singular_and_the_other_way_round() -> None:
    """The scorer compares words by their stem, so a reader's 'Diffusion models' matched a paper on 'a diffusion
    model', yet the reason dropped it as absent and said only 'Closest in meaning'."""
    one = paper("A Diffusion Model for Graphs", "We train a diffusion model with a learned policy.")
    assert found_terms(one, ["diffusion models", "policies", "graph"]) == ["Diffusion Model", "policy", "Graphs"]
    assert found_terms(QUANT, ["large language model"]) == ["Large Language Models"]


def test_a_reason_of_a_paper_the_reader_liked_says_so_once() -> None:
    local = write_reason(QUANT, EFFICIENT, ["quantization"], "zh")
    head, claim = local.split("。论文要点：")
    assert with_like(local, "zh") == f"{head}；你喜欢过这篇。论文要点：{claim}"
    assert with_like(with_like(local, "zh"), "zh") == with_like(local, "zh")
    english = write_reason(QUANT, EFFICIENT, ["quantization"], "en")
    assert "; you liked it. Key claim: In this work" in with_like(english, "en")
    assert with_like("论文研究大模型的量化。", "zh") == "论文研究大模型的量化；你喜欢过这篇。"
    assert with_like("", "en") == "You liked it."
