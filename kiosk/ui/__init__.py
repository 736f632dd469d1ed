"""Drawing with pygame: the only package (with scenes) that imports it."""
