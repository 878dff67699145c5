// The expression engine lives here; see docs/expressions.md.
