"""Named SQL questions and the runner that binds parameters and the caller's scope."""
