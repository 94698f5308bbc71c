"""The company's books: customers, invoices and the settlements against them.

Every receivables figure is derived from these records under one as-of rule: a figure as
of day D uses only invoices issued on or before D and settlements dated on or before D.
"""
