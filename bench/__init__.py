"""Benchmarks: `make bench` (python -m bench) prints one `name: value unit` line per figure.

Each figure module (bench/scan.py, ...) has a run() that yields Figure objects, and str lines that
are printed as `# ` comments. Add a module to bench.__main__.MODULES to add its figures.
"""
