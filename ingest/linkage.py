"""The probabilistic identity model (Splink, Fellegi-Sunter, DuckDB backend).

Records on both sides carry: name_flat / name_tokens (see ingest.names), birth (YYYYMMDD), phone,
one document per type and an address. A model is trained by EM on the data (u by random sampling,
m by expectation maximisation on two blockings) on Splink's own in-memory DuckDB connection, and kept as
Splink's JSON in the store's table `identity_model`. Scoring a batch needs no Splink session: Splink generates
the model's prediction SQL once per model (`predict_sql`) and it runs inside the store's transaction on the
batch's rows and the known persons they are blocked with.
"""
from __future__ import annotations

import functools
import json
import logging

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings

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


def _linker(left: pd.DataFrame, right: pd.DataFrame, settings) -> Linker:
    db = DuckDBAPI(duckdb.connect())
    frames = [db.register(left[list(RECORD_COLUMNS)], table_name="batch"),
              db.register(right[list(RECORD_COLUMNS)], table_name="known")]
    return Linker(frames, settings, log_level=None)


def train(left: pd.DataFrame, right: pd.DataFrame, seed: int = 1) -> str:
    """Estimate the model from two sets of records; return Splink's model JSON."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    settings = SettingsCreator(link_type="link_only", comparisons=comparisons(),
                               blocking_rules_to_generate_predictions=BLOCKING, retain_intermediate_calculation_columns=False)
    linker = _linker(left, right, settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_flat", "birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e5, seed=seed)
    for rule in (block_on("birth"), block_on("name_flat")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return json.dumps(_settled(linker.misc.save_model_to_json()))


def _settled(model: dict) -> dict:
    """The model without its random session id and with m and u to 12 significant digits: what is left beyond
    them is the order EM happened to sum in, so the same data give the same model on any machine or cluster."""
    model.pop("linker_uid", None)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                if isinstance(level.get(key), float):
                    level[key] = float(f"{level[key]:.12g}")
    return model


@functools.lru_cache(maxsize=4)
def predict_sql(model_json: str, threshold: float) -> str:
    """One SQL statement, generated by Splink once per model, scoring the pairs of temp table `link_pairs`
    (id_l, id_r) between `link_batch` and `link_known` (RECORD_COLUMNS plus tf_name_flat and source_dataset).
    Returns unique_id_l, unique_id_r, match_probability, match_weight and one mw_<field> (match weight, log2 of
    the Bayes factor, term-frequency adjustment included) per compared field, for pairs at or above threshold."""
    settings = SettingsCreator.from_path_or_dict(json.loads(model_json)).get_settings("duckdb")
    settings._retain_matching_columns = True
    settings._retain_intermediate_calculation_columns = True
    ctes = [("blocked", f"SELECT {', '.join(settings._columns_to_select_for_blocking)}, 0 AS match_key"
                        " FROM link_pairs p JOIN link_batch l ON l.unique_id = p.id_l"
                        " JOIN link_known r ON r.unique_id = p.id_r"),
            ("__splink__df_comparison_vectors",
             f"SELECT {', '.join(settings._columns_to_select_for_comparison_vector_values)} FROM blocked")]
    ctes += [(q["output_table_name"], q["sql"]) for q in
             predict_from_comparison_vectors_sqls_using_settings(settings, threshold_match_probability=threshold)]
    weights = ", ".join(f"mw_{c}" + (" + mw_tf_adj_name" if c == "name" else "") + f" AS mw_{c}" for c in COMPARED)
    return ("WITH " + ", ".join(f"{name} AS ({sql})" for name, sql in ctes)
            + f" SELECT unique_id_l, unique_id_r, match_probability, match_weight, {weights} FROM {ctes[-1][0]}")
