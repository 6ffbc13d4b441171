"""One case room: the screen (``screen.py``) and a module for each of its six tabs."""
