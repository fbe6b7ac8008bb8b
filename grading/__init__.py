"""Grading: utterance analysis, compliance detection, script adherence, scorecards and exports."""
