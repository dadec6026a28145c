"""The public methods, one module per domain.

Each module holds the domain's plans (the method logic, see ``_plan``) and two
thin mixins that expose them: one for the sync clients, its async twin right
below it, so the two cannot drift apart unnoticed.
"""
