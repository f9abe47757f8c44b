"""The privacy warning before a message is posted (issue 13, item 3): what in a text looks
like a consumer's mobile number, resident identity number or full name.

Placeholder: the detector is written in this module (see its tests in
tests/discussion/test_privacy.py).
"""
