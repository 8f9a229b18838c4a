"""The intake: channel files delivered to an inbox folder or uploaded over HTTP, ingested one batch each with a
receipt; and the token-authenticated API (uploads, aggregate figures) other systems use."""
