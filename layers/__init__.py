"""Query results -> Plotly traces and figures. No SQL here, no Dash: pages call these with data and labels."""
