"""The national benchmark and soak test (``make bench``, ``make soak``) and what they share."""
