"""The tasks package: the steps of a brief, declared once beside their task and listed in tasks/steps.py.

summary, translation (and its repairs), facts, reduce; prompts/ read by name through tasks/prompts.py
(`Prompts`). Nothing is imported here: import the module you need.
"""
