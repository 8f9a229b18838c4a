"""The Dash app: a shell with header, navigation and language switch, and one module per page."""
