"""Listening first: who vocalises when in a clip's sound, for suggested marks.

``voice`` computes frame values (loudness, pitch, harmonicity); ``segments`` turns them
into infant vocalisations, cries and adult speech, and counts vocal turns over them.
Pure numpy: no model is downloaded or shipped. Accuracy figures: ``bench/detect.py``.
"""
