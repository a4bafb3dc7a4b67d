"""Evaluator reports: Inception and End-of-Commitment."""
