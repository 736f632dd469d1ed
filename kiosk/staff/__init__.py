"""Staff mode: the PIN gate, the corner press that opens it, and its screen."""
