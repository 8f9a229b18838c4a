"""Users, sessions and the audit log: the application's own small transactional state (SQLite)."""
