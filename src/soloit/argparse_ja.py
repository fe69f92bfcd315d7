"""Placeholder: replaced by the Japanese argparse catalog."""

from __future__ import annotations

import argparse


def install() -> None:
    return None


class JapaneseArgumentParser(argparse.ArgumentParser):
    pass
