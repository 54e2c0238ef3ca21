"""The key claim a local reason quotes: the abstract's own sentence on what the paper does or finds, verbatim.

Abstracts of the seed days (../shared/data/seed-days), copied as they are, with their ids."""

from __future__ import annotations

import pytest

from paperradar.scorers.reasons import key_claim, own_name, sentences
from paperradar.sources.jsonl import detex, read_jsonl
from tests._paths import SAMPLE_DAY

A4_AGENT = (  # 2512.14442
    "Affordance prediction, which identifies interaction regions on objects based on language instructions, is "
    "critical for embodied AI. Prevailing end-to-end models couple high-level reasoning and low-level grounding "
    "into a single monolithic pipeline and rely on training over annotated datasets, which leads to poor "
    "generalization on novel objects and unseen environments. In this paper, we move beyond this paradigm by "
    "proposing A4-Agent, a training-free agentic framework that decouples affordance prediction into a "
    "three-stage pipeline. Our framework coordinates specialized foundation models at test time: (1) a "
    "$\\textbf{Dreamer}$ that employs generative models to visualize $\\textit{how}$ an interaction would look; "
    "(2) a $\\textbf{Thinker}$ that utilizes large vision-language models to decide $\\textit{what}$ object part "
    "to interact with; and (3) a $\\textbf{Spotter}$ that orchestrates vision foundation models to precisely "
    "locate $\\textit{where}$ the interaction area is. By leveraging the complementary strengths of pre-trained "
    "models without any task-specific fine-tuning, our zero-shot framework significantly outperforms "
    "state-of-the-art supervised methods across multiple benchmarks and demonstrates robust generalization to "
    "real-world settings.")

DLLM_SAMPLING = (  # 2512.09106
    "Diffusion (Large) Language Models (dLLMs) now match the downstream performance of their autoregressive "
    "counterparts on many tasks, while holding the promise of being more efficient during inference. One "
    "particularly successful variant is masked discrete diffusion, in which a buffer filled with special mask "
    "tokens is progressively replaced with tokens sampled from the model's vocabulary. Efficiency can be gained "
    "by unmasking several tokens in parallel, but doing too many at once risks degrading the generation quality. "
    "Thus, one critical design aspect of dLLMs is the sampling procedure that selects, at each step of the "
    "diffusion process, which tokens to replace. Indeed, recent work has found that heuristic strategies such as "
    "confidence thresholding lead to both higher quality and token throughput compared to random unmasking. "
    "However, such heuristics have downsides: they require manual tuning, and we observe that their performance "
    "degrades with larger buffer sizes. In this work, we instead propose to train sampling procedures using "
    "reinforcement learning. Specifically, we formalize masked diffusion sampling as a Markov decision process in "
    "which the dLLM serves as the environment, and propose a lightweight policy architecture based on a "
    "single-layer transformer that maps dLLM token confidences to unmasking decisions. Our experiments show that "
    "these trained policies match the performance of state-of-the-art heuristics when combined with "
    "semi-autoregressive generation, while outperforming them in the full diffusion setting. We also examine the "
    "transferability of these policies, finding that they can generalize to new underlying dLLMs and longer "
    "sequence lengths. However, we also observe that their performance degrades when applied to out-of-domain "
    "data, and that fine-grained tuning of the accuracy-efficiency trade-off can be challenging with our "
    "approach.")

CONFORMAL = (  # 2512.02704
    "Conformal prediction (CP) provides a comprehensive framework to produce statistically rigorous uncertainty "
    "sets for black-box machine learning models. To further improve the efficiency of CP, conformal correction is "
    "proposed to fine-tune or wrap the base model with an extra module using a conformal-aware inefficiency loss. "
    "In this work, we empirically and theoretically identify a trade-off between the CP efficiency and the "
    "entropy of model prediction. We then propose an entropy-constrained conformal correction method, exploring a "
    "better Pareto optimum between efficiency and entropy. Extensive experimental results on both computer vision "
    "and graph datasets demonstrate the efficacy of the proposed method. For instance, it can significantly "
    "improve the efficiency of state-of-the-art CP methods by up to 34.4%, given an entropy threshold.")

WSN_EPIDEMIC = (  # 2511.15982
    "The lack of epidemiological data in wireless sensor networks (WSNs) is a fundamental difficulty in "
    "constructing robust models to forecast and mitigate threats such as viruses and worms. Many studies have "
    "examined different epidemic models for WSNs, focusing on how malware infections spread given the network's "
    "specific properties, including energy limits and node mobility. In this study, an agent-based implementation "
    "of the susceptible-exposed-infected-recovered-vaccinated (SEIRV) mathematical model was employed for machine "
    "learning (ML) predictions. Using tools such as NetLogo's BehaviorSpace and Python, two epidemic synthetic "
    "datasets were generated and prepared for the application of several ML algorithms. Posed as a regression "
    "problem, the infected and recovered nodes were predicted, and the performance of these algorithms is "
    "compared using the error metrics of the train and test sets. The predictions performed well, with low error "
    "metrics and high R^2 values (0.997, 1.000, 0.999, 1.000), indicating an effective fit to the training set. "
    "The validation values were lower (0.992, 0.998, 0.971, and 0.999), as is typical when evaluating model "
    "performance on unseen data. Based on the recorded performances, support vector, linear, Lasso, Ridge, and "
    "ElasticNet regression were among the worst-performing algorithms, while Random Forest, XGBoost, Decision "
    "Trees, and k-nearest neighbors achieved the best results.")

CREWARD = (  # 2511.19995
    "Creativity is a complex phenomenon. When it comes to representing and assessing creativity, treating it as a "
    "single undifferentiated quantity would appear naive and underwhelming. In this work, we learn the "
    "\\emph{first type-specific creativity reward model}, coined CREward, which spans three creativity ``axes,\" "
    "geometry, material, and texture, to allow us to view creativity through the lens of the image formation "
    "pipeline. To build our reward model, we first conduct a human benchmark evaluation to capture human "
    "perception of creativity for each type across various creative images. We then analyze the correlation "
    "between human judgments and predictions by large vision-language models (LVLMs), confirming that LVLMs "
    "exhibit strong alignment with human perception. Building on this observation, we collect LVLM-generated "
    "labels to train our CREward model that is applicable to both evaluation and generation of creative images. "
    "We explore three applications of CREward: creativity assessment, explainable creativity, and creative sample "
    "acquisition for both human design inspiration and guiding creative generation through low-rank adaptation.")

KITTY = (  # 2511.18643
    "The KV cache is a dominant memory bottleneck for LLM inference. While 4-bit KV quantization preserves "
    "accuracy, 2-bit often degrades it, especially on long-context reasoning. We close this gap via an "
    "algorithm-system co-design for mixed-precision KV caching: Kitty. On the algorithm side, extensive "
    "experiments show that Dynamic Channel-wise Precision Boost -- which ranks Key-cache channels by sensitivity "
    "and keeps only a small fraction at higher precision -- maintains near-zero loss in accuracy drop while "
    "approaching 2-bit memory. The main challenge is handling dynamic 4-bit channel boosts while keeping the page "
    "layout coalesced and the dequantization uniform, with no scattered reads or hard-coded masks. Kitty "
    "addresses these issues by decompose each mixed-precision Key page into two tensors with unified 2-bit "
    "precision. Based on this, Kitty provides a page-centric KV layout, Triton-compatible page dequantization "
    "kernels, and a lightweight runtime pipeline that preserves coalescing and avoids divergence. Across seven "
    "tasks and two model families (Qwen3, LLaMA3), Kitty cuts KV memory by nearly 8x with negligible accuracy "
    "loss, enabling up to 8x larger batches and 2.1x-4.1x higher throughput under the same memory budget. We "
    "release the full implementation of Kitty at https://github.com/Summer-Summer/Kitty.")

WAYMOQA = (  # 2511.20022
    "Recent advancements in multimodal large language models (MLLMs) have shown strong understanding of driving "
    "scenes, drawing interest in their application to autonomous driving. However, high-level reasoning in "
    "safety-critical scenarios, where avoiding one traffic risk can create another, remains a major challenge. "
    "Such reasoning is often infeasible with only a single front view and requires a comprehensive view of the "
    "environment, which we achieve through multi-view inputs. We define Safety-Critical Reasoning as a new task "
    "that leverages multi-view inputs to address this challenge. Then, we distill Safety-Critical Reasoning into "
    "two stages: first resolve the immediate risk, then mitigate the decision-induced downstream risks. To "
    "support this, we introduce WaymoQA, a dataset of 35,000 human-annotated question-answer pairs covering "
    "complex, high-risk driving scenarios. The dataset includes multiple-choice and open-ended formats across "
    "both image and video modalities. Experiments reveal that existing MLLMs underperform in safety-critical "
    "scenarios compared to normal scenes, but fine-tuning with WaymoQA significantly improves their reasoning "
    "ability, highlighting the effectiveness of our dataset in developing safer and more reasoning-capable "
    "driving agents.")

SCL = (  # 2511.14920
    "Neural networks exhibit severe brittleness to semantically irrelevant transformations. A mere 75ms "
    "electrocardiogram (ECG) phase shift degrades latent cosine similarity from 1.0 to 0.2, while sensor "
    "rotations collapse activity recognition performance with inertial measurement units (IMUs). We identify the "
    "root cause as \"laissez-faire\" representation learning, where latent spaces evolve unconstrained provided "
    "task performance is satisfied. We propose Structured Contrastive Learning (SCL), a framework that partitions "
    "latent space representations into three semantic groups: invariant features that remain consistent under "
    "given transformations (e.g., phase shifts or rotations), variant features that actively differentiate "
    "transformations via a novel variant mechanism, and free features that preserve task flexibility. This "
    "creates controllable push-pull dynamics where different latent dimensions serve distinct, interpretable "
    "purposes. The variant mechanism enhances contrastive learning by encouraging variant features to "
    "differentiate within positive pairs, enabling simultaneous robustness and interpretability. Our approach "
    "requires no architectural modifications and integrates seamlessly into existing training pipelines. "
    "Experiments on ECG phase invariance and IMU rotation robustness demonstrate superior performance: ECG "
    "similarity improves from 0.25 to 0.91 under phase shifts, while WISDM activity recognition achieves 86.65% "
    "accuracy with 95.38% rotation consistency, consistently outperforming traditional data augmentation. This "
    "work represents a paradigm shift from reactive data augmentation to proactive structural learning, enabling "
    "interpretable latent representations in neural networks.")

RADIATION_NECROSIS = (  # 2511.18208
    "Background: Differentiating radiation necrosis (RN) from tumor progression after stereotactic radiosurgery "
    "(SRS) remains a critical challenge in brain metastases. While histopathology represents the gold standard, "
    "its invasiveness limits feasibility. Conventional supervised deep learning approaches are constrained by "
    "scarce biopsy-confirmed training data. Self-supervised learning (SSL) overcomes this by leveraging the "
    "growing availability of large-scale unlabeled brain metastases imaging datasets. Methods: In a two-phase "
    "deep learning strategy inspired by the foundation model paradigm, a Vision Transformer (ViT) was pre-trained "
    "via SSL on 10,167 unlabeled multi-source T1CE MRI sub-volumes. The pre-trained ViT was then fine-tuned for "
    "RN classification using a two-channel input (T1CE MRI and segmentation masks) on the public MOLAB dataset "
    "(n=109) using 20% of datasets as same-center held-out test set. External validation was performed on a "
    "second-center test cohort (n=28). Results: The self-supervised model achieved an AUC of 0.916 on the "
    "same-center test set and 0.764 on the second center test set, surpassing the fully supervised ViT (AUC "
    "0.624/0.496; p=0.001/0.008) and radiomics (AUC 0.807/0.691; p=0.005/0.014). Multimodal integration further "
    "improved performance (AUC 0.947/0.821; p=0.073/0.001). Attention map visualizations enabled interpretability "
    "showing the model focused on clinically relevant lesion subregions. Conclusion: Large-scale pre-training on "
    "increasingly available unlabeled brain metastases datasets substantially improves AI model performance. A "
    "two-phase multimodal deep learning strategy achieved high accuracy in differentiating radiation necrosis "
    "from tumor progression using only routine T1CE MRI and standard clinical data, providing an interpretable, "
    "clinically accessible solution that warrants further validation.")

DEER = (  # 2512.15176
    "Efficiency, as a critical practical challenge for LLM-driven agentic and reasoning systems, is increasingly "
    "constrained by the inherent latency of autoregressive (AR) decoding. Speculative decoding mitigates this "
    "cost through a draft-verify scheme, yet existing approaches rely on AR draft models (a.k.a., drafters), "
    "which introduce two fundamental issues: (1) step-wise uncertainty accumulation leads to a progressive "
    "collapse of trust between the target model and the drafter, and (2) inherently sequential decoding of AR "
    "drafters. Together, these factors cause limited speedups. In this paper, we show that a diffusion large "
    "language model (dLLM) drafters can naturally overcome these issues through its fundamentally different "
    "probabilistic modeling and efficient parallel decoding strategy. Building on this insight, we introduce "
    "DEER, an efficient speculative decoding framework that drafts with diffusion and verifies with AR models. To "
    "enable high-quality drafting, DEER employs a two-stage training pipeline to align the dLLM-based drafters "
    "with the target AR model, and further adopts single-step decoding to generate long draft segments. "
    "Experiments show DEER reaches draft acceptance lengths of up to 32 tokens, far surpassing the 10 tokens "
    "achieved by EAGLE-3. Moreover, on HumanEval with Qwen3-30B-A3B, DEER attains a 5.54x speedup, while EAGLE-3 "
    "achieves only 2.41x. Code, model, demo, etc, will be available at https://czc726.github.io/DEER/")

NEXT_TOKEN = (  # 2512.07818
    "Why do modern language models, trained to do well on next-word prediction, appear to generate coherent "
    "documents and capture long-range structure? Here we show that next-token prediction is provably powerful for "
    "learning longer-range structure, even with common neural network architectures. Specifically, we prove that "
    "optimizing next-token prediction over a Recurrent Neural Network (RNN) yields a model that closely "
    "approximates the training distribution: for held-out documents sampled from the training distribution, no "
    "algorithm of bounded description length limited to examining the next $k$ tokens, for any $k$, can "
    "distinguish between $k$ consecutive tokens of such documents and $k$ tokens generated by the learned "
    "language model following the same prefix. We provide polynomial bounds (in $k$, independent of the document "
    "length) on the model size needed to achieve such $k$-token indistinguishability, offering a "
    "complexity-theoretic explanation for the long-range coherence observed in practice.")

PRETOPOLOGY = (  # 2512.03069
    "This article attempts answering the following problematic: How to model and classify energy consumption "
    "profiles over a large distributed territory to optimize the management of buildings' consumption? Doing "
    "case-by-case in depth auditing of thousands of buildings would require a massive amount of time and money as "
    "well as a significant number of qualified people. Thus, an automated method must be developed to establish a "
    "relevant and effective recommendations system. To answer this problematic, pretopology is used to model the "
    "sites' consumption profiles and a multi-criterion hierarchical classification algorithm, using the "
    "properties of pretopological space, has been developed in a Python library. To evaluate the results, three "
    "data sets are used: A generated set of dots of various sizes in a 2D space, a generated set of time series "
    "and a set of consumption time series of 400 real consumption sites from a French Energy company. On the "
    "point data set, the algorithm is able to identify the clusters of points using their position in space and "
    "their size as parameter. On the generated time series, the algorithm is able to identify the time series "
    "clusters using Pearson's correlation with an Adjusted Rand Index (ARI) of 1.")


def claim(abstract: str) -> str:
    return key_claim(detex(abstract))


@pytest.mark.parametrize(("abstract", "quoted"), [
    # the contribution with words between "we" and its verb, or no "we" at all
    (A4_AGENT, "In this paper, we move beyond this paradigm by proposing A4-Agent, a training-free agentic"),
    (DLLM_SAMPLING, "In this work, we instead propose to train sampling procedures using reinforcement learning."),
    (CONFORMAL, "In this work, we empirically and theoretically identify a trade-off between the CP efficiency"),
    (WSN_EPIDEMIC, "In this study, an agent-based implementation of the susceptible-exposed-infected-recovered"),
    (CREWARD, "In this work, we learn the first type-specific creativity reward model, coined CREward"),
    # a structured abstract's conclusion, not its background
    (RADIATION_NECROSIS, "Conclusion: Large-scale pre-training on increasingly available unlabeled brain metastases"),
    # what the paper makes, not a diagnosis before it ("We identify the root cause as ...")
    (SCL, "We propose Structured Contrastive Learning (SCL), a framework that partitions latent space"),
    # not the code's address ("We release the full implementation of Kitty at https://github.com/...")
    (KITTY, "We close this gap via an algorithm-system co-design for mixed-precision KV caching: Kitty."),
    # not a clause about a view the authors take ("..., which we achieve through multi-view inputs.")
    (WAYMOQA, "To support this, we introduce WaymoQA, a dataset of 35,000 human-annotated question-answer pairs"),
], ids=["2512.14442", "2512.09106", "2512.02704", "2511.15982", "2511.19995", "2511.18208", "2511.14920", "2511.18643",
        "2511.20022"])
def test_the_sentence_stating_the_contribution_is_quoted(abstract: str, quoted: str) -> None:
    assert claim(abstract).startswith(quoted)


@pytest.mark.parametrize(("abstract", "quoted"), [
    # the authors' own framing stands before what they make next ("we introduce DEER") or prove after it
    (DEER, "In this paper, we show that a diffusion large language model (dLLM) drafters can naturally overcome"),
    (NEXT_TOKEN, "Here we show that next-token prediction is provably powerful for learning longer-range structure"),
    # what the article attempts, before the question it asks after a colon
    (PRETOPOLOGY, "This article attempts answering the following problematic: How to model and classify energy"),
], ids=["2512.15176", "2512.07818", "2512.03069"])
def test_a_contribution_already_quoted_stays(abstract: str, quoted: str) -> None:
    assert claim(abstract).startswith(quoted)


def test_the_bundled_days_claims_are_the_papers_own() -> None:
    papers = {p.id: p for p in read_jsonl(SAMPLE_DAY)}
    # a thesis that says what it seeks, not its first sentence ("Deep learning has achieved remarkable success ...")
    assert claim(papers["2602.04078"].abstract).startswith(
        "This thesis seeks to advance a principled understanding of the principles of Lipschitz continuity")
    # the main result, not the first of the results listed after it ("First, we derive a theoretical lower bound")
    assert claim(papers["2602.04264"].abstract).startswith(
        "We show that Deep Bernstein Networks (which utilizes Bernstein polynomials as activation functions)")


def test_a_claim_is_one_sentence_of_the_abstract_verbatim() -> None:
    for abstract in (A4_AGENT, DLLM_SAMPLING, CONFORMAL, WSN_EPIDEMIC, CREWARD, RADIATION_NECROSIS, SCL, KITTY,
                     WAYMOQA, DEER, NEXT_TOKEN, PRETOPOLOGY):
        quoted = claim(abstract).removesuffix("…")
        assert any(s.startswith(quoted) for s in sentences(detex(abstract)))


def test_without_a_claim_the_first_sentence_that_says_something_is_quoted() -> None:
    # the opening sentences of 2511.11712 and 2511.19995: a question, a handful of words
    assert key_claim("What is reasoning? This question has driven centuries of philosophical inquiry, from "
                     "Aristotle's syllogisms to modern computational complexity theory.") == (
        "This question has driven centuries of philosophical inquiry, from Aristotle's syllogisms to modern "
        "computational complexity theory.")
    assert key_claim("Creativity is a complex phenomenon. When it comes to representing and assessing creativity, "
                     "treating it as a single undifferentiated quantity would appear naive and underwhelming.") == (
        "When it comes to representing and assessing creativity, treating it as a single undifferentiated quantity "
        "would appear naive and underwhelming.")


def test_a_claim_never_runs_into_the_sentence_before_it() -> None:
    # 2512.00226: no space after the period; 2512.15469: a quoted question before the claim
    assert claim("Current 3D scene understanding datasets often provide geometric and instance-level information, yet "
                 "they lack the rich semantic annotations necessary for nuanced visual-language tasks.In this work, we "
                 "introduce DenseScan, a novel dataset with detailed multi-level descriptions generated by an automated "
                 "pipeline leveraging multi-view 2D images and multimodal large language models (MLLMs).") == (
        "In this work, we introduce DenseScan, a novel dataset with detailed multi-level descriptions generated by an "
        "automated pipeline leveraging multi-view 2D images and multimodal large language models (MLLMs).")
    assert claim('This raises the following question: "Can we efficiently edit models to satisfy requirements, without '
                 'sacrificing their utility?" In this work, we approach this with a unifying framework, in a '
                 'data-driven manner, i.e. we learn to edit neural networks (NNs), where the editor is an NN itself - '
                 'a graph metanetwork - and editing amounts to a single inference step.').startswith(
        "In this work, we approach this with a unifying framework, in a data-driven manner, i.e. we learn to edit")


def test_names_and_abbreviations_with_a_period_inside_stay_in_their_sentence() -> None:
    # 2511.19937
    assert sentences("In this work, we introduce UniGrad, a novel approach that achieves both universality and "
                     "adaptivity, with two distinct realizations: UniGrad.Correct and UniGrad.Bregman. Both methods "
                     "achieve universal regret guarantees.") == [
        "In this work, we introduce UniGrad, a novel approach that achieves both universality and adaptivity, with "
        "two distinct realizations: UniGrad.Correct and UniGrad.Bregman.", "Both methods achieve universal regret "
        "guarantees."]
    assert sentences("Results hold, e.g.The base model, as in Smith et al.The end.") == [
        "Results hold, e.g.The base model, as in Smith et al.The end."]


def test_a_sentence_goes_on_past_a_title_or_an_abbreviation_inside_it() -> None:
    # 2512.10540 quoted 'To address this issue, we introduce Mr.'; 2511.12778 and 2512.12384 were cut the same way
    assert claim("Overconfident yet erroneous matches may bring about irreversible damage to the localization system. "
                 "To address this issue, we introduce Mr. Virgil, an end-to-end learning multi-robot visual-range "
                 "relative localization framework. Additionally, a decentralized system is implemented for real-world "
                 "applications.") == ("To address this issue, we introduce Mr. Virgil, an end-to-end learning "
                                      "multi-robot visual-range relative localization framework.")
    assert sentences("We present DR. Nav (Dead-End Recovery-aware Navigation), a novel approach to autonomous "
                     "navigation. DR. Nav introduces a proactive strategy for navigation in unmapped environments "
                     "without prior assumptions.") == [
        "We present DR. Nav (Dead-End Recovery-aware Navigation), a novel approach to autonomous navigation.",
        "DR. Nav introduces a proactive strategy for navigation in unmapped environments without prior assumptions."]
    assert sentences("We conduct an early-stage scaling-law analysis of continued pretraining on U.S. SEC filings. "
                     "Under an i.i.d. Gaussian score model, the steepest descent w.r.t. $\\ell_\\infty$ norm (viz. Sign "
                     "descent) improves by avg. 9.78%.") == [
        "We conduct an early-stage scaling-law analysis of continued pretraining on U.S. SEC filings.",
        "Under an i.i.d. Gaussian score model, the steepest descent w.r.t. $\\ell_\\infty$ norm (viz. Sign descent) "
        "improves by avg. 9.78%."]


def test_an_abbreviation_that_ends_its_sentence_ends_it() -> None:
    # 2511.13259 quoted its opening sentence run on into its claim; 2512.09890 its claim run on into the next one
    assert claim(detex("Large multimodal models (LMMs) have demonstrated remarkable capabilities across a wide range of "
                       "tasks, however their knowledge and abilities in the cross-view geo-localization and pose "
                       "estimation domains remain unexplored, despite potential benefits for navigation, autonomous "
                       "driving, outdoor robotics, \\textit{etc}. To bridge this gap, we introduce "
                       "\\textbf{GeoX-Bench}, a comprehensive \\underline{Bench}mark designed to explore and evaluate "
                       "the capabilities of LMMs in \\underline{cross}-view \\underline{Geo}-localization and pose "
                       "estimation.")) == (
        "To bridge this gap, we introduce GeoX-Bench, a comprehensive Benchmark designed to explore and evaluate the "
        "capabilities of LMMs in cross-view Geo-localization and pose estimation.")
    assert sentences(detex("We demonstrate that the latter fails to satisfy the axiomatic definition of a node-similarity "
                           "measure proposed by Rusch \\textit{et al.} By formalizing fundamental spectral properties "
                           "of these two definitions, we highlight critical distinctions.")) == [
        "We demonstrate that the latter fails to satisfy the axiomatic definition of a node-similarity measure "
        "proposed by Rusch et al.", "By formalizing fundamental spectral properties of these two definitions, we "
        "highlight critical distinctions."]
    # and where it does not end one, nor does 'ms.' (milliseconds) read as 'Ms.'
    assert sentences("As in Smith et al. (2020) and [Galanis et al. SODA'24], it plans within 15 ms. A probabilistic "
                     "analysis of the U.S. Census Bureau data follows.") == [
        "As in Smith et al. (2020) and [Galanis et al. SODA'24], it plans within 15 ms.",
        "A probabilistic analysis of the U.S. Census Bureau data follows."]


def test_a_sentence_whose_subject_is_the_name_the_title_gives_says_what_the_paper_made() -> None:
    # 2512.03610 quoted its opening sentence ('Merging neural networks without retraining is central to ...'),
    # 2511.16837 'Inspired by the simplicity of retro BASIC, we repurpose ...': no 'we' or 'this paper' made anything
    cogram = ("Merging neural networks without retraining is central to federated and distributed learning. Common "
              "methods such as weight averaging or Fisher merging often lose accuracy and are unstable across seeds. "
              "CoGraM (Contextual Granular Merging) is a multi-stage, context-sensitive, loss-based, and iterative "
              "optimization method across layers, neurons, and weight levels that aligns decisions with loss "
              "differences and thresholds and prevents harmful updates through rollback.")
    name = own_name("CoGraM: Context-sensitive granular optimization method with rollback for robust model fusion")
    assert name == "CoGraM"
    assert key_claim(cogram, name=name).startswith("CoGraM (Contextual Granular Merging) is a multi-stage")
    assert key_claim(cogram).startswith("Merging neural networks")  # without the title, nothing names it
    basic = ("Cognitive BASIC is a minimal, BASIC-style prompting language and in-model interpreter that structures "
             "large language model (LLM) reasoning into explicit, stepwise execution traces. Inspired by the "
             "simplicity of retro BASIC, we repurpose numbered lines and simple commands as an interpretable cognitive "
             "control layer.")
    assert key_claim(basic, name=own_name("Cognitive BASIC: An In-Model Interpreted Reasoning Language for LLMs")) \
        .startswith("Cognitive BASIC is a minimal, BASIC-style prompting language")
    # 2511.16828: what the name does weighs as what 'our method' does, above a results sentence
    manifold = ("Extensive evaluation across four public datasets demonstrates substantial improvements over "
                "state-of-the-art methods. ManifoldFormer addresses this limitation through a novel geometric deep "
                "learning framework that explicitly learns neural manifold representations.")
    assert key_claim(manifold, name="ManifoldFormer").startswith("ManifoldFormer addresses this limitation")


def test_only_a_coined_name_opening_a_title_is_the_papers_own() -> None:
    assert own_name("QML-HCS: A Hypercausal Quantum Machine Learning Framework") == "QML-HCS"
    assert own_name("TwinFormer: A Dual-Level Transformer for Long-Sequence Time-Series Forecasting") == "TwinFormer"
    # a field's name or a family's is another's: "Federated Learning (FL) is a distributed paradigm ..." is background
    for title in ("Federated Learning: A Survey", "Vision-Language Models: Where Do They Stand?", "Reasoning: An "
                  "Operator View", "Convolutional Model Trees", "A Study of LLMs in Five Languages: What Transfers"):
        assert own_name(title) is None, title
    survey = ("Federated Learning (FL) is a distributed paradigm for training models. This survey reviews its methods "
              "in depth.")
    assert key_claim(survey, name=own_name("Federated Learning: A Survey")) == "This survey reviews its methods in depth."


def test_the_proposed_method_or_this_document_says_what_the_paper_made() -> None:
    # 2512.08873 and 2512.08052 quoted their opening sentence of background
    assert claim("Image captioning is essential in many fields including assisting visually impaired individuals. To "
                 "address this, the proposed SOLI (Siamese-Driven Optimization for Low-Resolution Image Latent "
                 "Embedding in Image Captioning) approach presents a solution specifically designed for lightweight, "
                 "low-resolution images captioning.").startswith("To address this, the proposed SOLI")
    assert claim("Embodied agents, such as robots and virtual characters, must continuously select actions to execute "
                 "tasks effectively. This document introduces DRL and DIL in the context of embodied agents, adopting "
                 "a concise, depth-first approach to the literature.").startswith("This document introduces DRL")
    # 2512.07276: 'We hereby present Geo3DVQA, ...' is what it makes, not what the name does later
    assert key_claim("We hereby present Geo3DVQA, a comprehensive benchmark for evaluating vision-language models "
                     "in 3D geospatial reasoning. Geo3DVQA introduces new challenge frontiers for scalable, accessible, "
                     "and holistic 3D geospatial analysis.", name="Geo3DVQA").startswith("We hereby present Geo3DVQA")


def test_a_contribution_that_says_nothing_gives_way_to_the_next_that_says_what_was_made() -> None:
    # 2512.07807 and 2511.18307 quoted 'To this end, we propose a novel approach to address these challenges.'
    assert claim("While such capabilities could be transformative, we find that recent feature distillation approaches "
                 "cannot effectively learn over massive Internet data. To this end, we propose a novel approach to "
                 "address these challenges. First, we introduce extremely low-dimensional semantic bottleneck features "
                 "as part of the underlying 3D Gaussian representation. These are processed by rendering and passing "
                 "them through a multi-resolution, feature-based, hash encoder.") == (
        "First, we introduce extremely low-dimensional semantic bottleneck features as part of the underlying 3D "
        "Gaussian representation.")
    assert claim("Capturing subtle writer-specific traits is still an open problem. In this work, we present a unified "
                 "framework designed to address these limitations. We introduce a Vision Transformer-based style "
                 "encoder that learns global stylistic patterns from multiple reference images.") == (
        "We introduce a Vision Transformer-based style encoder that learns global stylistic patterns from multiple "
        "reference images.")
    # a results sentence does not say what was made, and a name is what it was made as
    assert claim("Prior methods are slow on large graphs. To address these issues, we propose a hybrid framework. "
                 "Extensive experiments on both synthetic and real-world datasets demonstrate that our approach "
                 "outperforms state-of-the-art methods.") == "To address these issues, we propose a hybrid framework."
    assert claim("Distilled models break physical structure. We propose a two-stage identify-then-project framework. "
                 "Empirically, we demonstrate that the proposed two-stage approach preserves the teacher's dynamics.") \
        == "We propose a two-stage identify-then-project framework."
    assert claim("Scene models ignore camera geometry. To overcome these limitations, we introduce "
                 "``geometry-as-context''. Under this framework, we develop the camera gated attention module to "
                 "leverage camera poses.") == "To overcome these limitations, we introduce ``geometry-as-context''."
    assert claim("Small objects are hard to detect from drones at speed. In this letter, we introduce "
                 "MambaRefine-YOLO. Furthermore, we introduce a gated fusion module that refines features across two "
                 "modalities.") == "In this letter, we introduce MambaRefine-YOLO."
