"""Puts tests/engine on sys.path so the test modules can import the shared gradcheck helper."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
