"""Closing the loop: stage deadlines and leaks, quarantine monitoring, plans, community risk, the alert workflow.

Everything derived here is computed by the named SQL in queries/ (alerts_*, leaks_*, quarantine_*, plans_*,
risk_*) on the read-only store, as of a date; what people do about alerts lives in the SQLite state.
"""
