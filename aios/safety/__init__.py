"""Drills that attack aios the way an adversary or an accident would, and count what held.

``aios bench safety`` runs them all; the governance tests run each and require every count
of harm to be zero.
"""
