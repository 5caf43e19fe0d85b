"""Scripted evaluation: conversation scenarios run against the real assistant, judged by outcome."""
