"""Published figures: load the tables transcribed from the systematization, audit them, and the effects they imply."""
