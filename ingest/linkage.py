"""The probabilistic identity model (Splink, Fellegi-Sunter, DuckDB backend).

Records on both sides carry: name_flat / name_tokens (see ingest.names), birth (YYYYMMDD), phone,
one document per type and an address. A model is trained by EM on the data (u by random sampling,
m by expectation maximisation on two blockings), kept as Splink's JSON in the store's table
`identity_model`, and re-used to score each new batch against the known persons it was blocked with.
Splink runs on its own in-memory DuckDB connection: the store's transaction never meets it.
"""
from __future__ import annotations

import json
import logging

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

DOCS = ("resident_id", "passport", "hk_macau_permit", "home_return_permit")
DOC_COLS = tuple(f"doc_{d}" for d in DOCS)
RECORD_COLUMNS = ("unique_id", "name_flat", "name_tokens", "birth", "phone", *DOC_COLS, "address")
COMPARED = ("name", "birth", "document", "phone", "address")


def _any(template: str) -> str:
    return "(" + " OR ".join(template.format(c=c) for c in DOC_COLS) + ")"


def _levels(column: str, near: str, near_label: str, tf: bool = False) -> list[dict]:
    exact = {"sql_condition": f'"{column}_l" = "{column}_r"', "label_for_charts": "exact"}
    if tf:
        exact["tf_adjustment_column"] = column
        exact["tf_adjustment_weight"] = 1.0
    return [{"sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "label_for_charts": "null",
             "is_null_level": True}, exact,
            {"sql_condition": near, "label_for_charts": near_label}, {"sql_condition": "ELSE", "label_for_charts": "else"}]


def comparisons() -> list[dict]:
    """One comparison per compared field, most specific level first."""
    name = _levels("name_flat", "name_tokens_l = name_tokens_r", "same words, other order", tf=True)
    name[3:3] = [{"sql_condition": "jaro_winkler_similarity(name_flat_l, name_flat_r) >= 0.92",
                  "label_for_charts": "jaro-winkler >= 0.92"},
                 {"sql_condition": "jaro_winkler_similarity(name_flat_l, name_flat_r) >= 0.8",
                  "label_for_charts": "jaro-winkler >= 0.8"}]
    doc_null = " AND ".join(f'({c}_l IS NULL OR {c}_r IS NULL)' for c in DOC_COLS)
    document = [
        {"sql_condition": doc_null, "label_for_charts": "no document type in common", "is_null_level": True},
        {"sql_condition": _any("{c}_l = {c}_r"), "label_for_charts": "a document equal"},
        {"sql_condition": _any("damerau_levenshtein({c}_l, {c}_r) <= 1"), "label_for_charts": "one character off"},
        {"sql_condition": "ELSE", "label_for_charts": "documents of one type differ"}]
    return [
        {"output_column_name": "name", "comparison_levels": name},
        {"output_column_name": "birth", "comparison_levels": _levels(
            "birth", "damerau_levenshtein(birth_l, birth_r) <= 1", "one digit off or two transposed")},
        {"output_column_name": "document", "comparison_levels": document},
        {"output_column_name": "phone", "comparison_levels": _levels(
            "phone", "damerau_levenshtein(phone_l, phone_r) <= 1", "one digit off")},
        {"output_column_name": "address", "comparison_levels": _levels(
            "address", "jaro_winkler_similarity(address_l, address_r) >= 0.9", "jaro-winkler >= 0.9")},
    ]


BLOCKING = [block_on("name_flat"), block_on("name_tokens"), block_on("birth"), block_on("phone"),
            *(block_on(c) for c in DOC_COLS)]


def _linker(left: pd.DataFrame, right: pd.DataFrame, settings, validate: bool = True) -> Linker:
    db = DuckDBAPI(duckdb.connect())
    frames = [db.register(left[list(RECORD_COLUMNS)], table_name="batch"),
              db.register(right[list(RECORD_COLUMNS)], table_name="known")]
    return Linker(frames, settings, log_level=None, validate_settings=validate)


def train(left: pd.DataFrame, right: pd.DataFrame, seed: int = 1) -> str:
    """Estimate the model from two sets of records; return Splink's model JSON."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    settings = SettingsCreator(link_type="link_only", comparisons=comparisons(),
                               blocking_rules_to_generate_predictions=BLOCKING, retain_intermediate_calculation_columns=False)
    linker = _linker(left, right, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_flat", "birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e5, seed=seed)
    for rule in (block_on("birth"), block_on("name_flat")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return json.dumps(linker.misc.save_model_to_json())


def predict(model_json: str, left: pd.DataFrame, right: pd.DataFrame, tf_names: pd.DataFrame,
            threshold: float) -> pd.DataFrame:
    """Score left (the batch) against right (known persons): unique_id_l, unique_id_r, match_probability,
    match_weight and one mw_<field> (match weight, log2 of the Bayes factor) per compared field."""
    if left.empty or right.empty:
        return pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight",
                                     *(f"mw_{c}" for c in COMPARED)])
    logging.getLogger("splink").setLevel(logging.ERROR)
    settings = json.loads(model_json)
    settings["retain_intermediate_calculation_columns"] = True
    linker = _linker(left, right, settings, validate=False)   # validated when it was trained
    linker.table_management.register_term_frequency_lookup(
        linker._db_api.register(tf_names, table_name="tf_names"), "name_flat")
    scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never").as_pandas_dataframe()
    keep = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", *(f"mw_{c}" for c in COMPARED)]
    scored["mw_name"] = scored["mw_name"] + scored["mw_tf_adj_name"].fillna(0.0)
    return scored[keep]
