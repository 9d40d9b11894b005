"""Scored candidates -> an order, or no answer: answer types, word pairs, abstention."""
