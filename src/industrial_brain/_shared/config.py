"""The shipped configuration files and the one loader of every YAML config file.

Configuration ships inside the package, one folder per kind, found through :mod:`importlib.resources`
(so it works from a source tree, a wheel or a zip)::

    industrial_brain/config/index_systems/*.yaml     macro index systems   (macro.index_system)
    industrial_brain/config/maturity_models/*.yaml   maturity models       (micro.model, micro.benchmarking)
    industrial_brain/config/scenarios/*.yaml         stress-test scenarios (meso.resilience.scenario)
    industrial_brain/config/alarm_rules/*.yaml       alarm rule sets       (monitor.rules)
    industrial_brain/config/governance/*.yaml        grading rule sets     (governance.rules)
    industrial_brain/config/indicator_library/*.yaml the indicator library (services.indicators)

:func:`load_config` reads a shipped file by name or a user file by path and returns the parsed
mapping; the engines validate it (pydantic models, with their own messages naming the YAML path).
Every error is an :class:`~industrial_brain.errors.InputError` naming the file, and for YAML syntax
errors the line and column.
"""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import yaml

from industrial_brain.errors import InputError

__all__ = [
    "CONFIG_KINDS",
    "config_dir",
    "list_configs",
    "config_file",
    "config_source",
    "parse_config",
    "load_config",
    "require_mapping",
    "yaml_path",
]

#: Config kinds (folders under ``industrial_brain/config``) and what one file of each kind holds.
CONFIG_KINDS = {
    "index_systems": "index system",
    "listing_rules": "listing rule set",
    "maturity_models": "maturity model",
    "scenarios": "scenario",
    "alarm_rules": "alarm rule set",
    "per_mu_rules": "per-mu rule set",
    "governance": "grading rule set",
    "indicator_library": "indicator library",
}


def _noun(kind: str) -> str:
    if kind not in CONFIG_KINDS:
        raise InputError.at(
            "unknown configuration kind", column="kind", value=kind, expected=" / ".join(CONFIG_KINDS)
        )
    return CONFIG_KINDS[kind]


def config_dir(kind: str) -> Traversable:
    """The shipped folder of one config kind (``industrial_brain/config/<kind>``).

    Examples
    --------
    >>> config_dir("scenarios").name
    'scenarios'
    """
    _noun(kind)
    return files("industrial_brain").joinpath("config", kind)


def list_configs(kind: str) -> list[str]:
    """Names (file names without ``.yaml``) of the shipped config files of one kind, sorted.

    Examples
    --------
    >>> list_configs("index_systems")[:3]
    ['digital_economy', 'digital_economy_scale', 'new_quality_productive_forces']
    """
    return sorted(p.name[: -len(".yaml")] for p in config_dir(kind).iterdir() if p.name.endswith(".yaml"))


def _looks_like_name(text: str) -> bool:
    return not any(sep in text for sep in ("/", "\\")) and not text.endswith((".yaml", ".yml"))


def _resolve(kind: str, name_or_path: str | os.PathLike | Traversable) -> tuple[Traversable, str]:
    """The file and how errors name it: a shipped file by its file name, a user file by its path as given."""
    noun = _noun(kind)
    if isinstance(name_or_path, str) and name_or_path in list_configs(kind):
        file = config_dir(kind).joinpath(f"{name_or_path}.yaml")
        return file, file.name
    path = Path(name_or_path) if isinstance(name_or_path, (str, os.PathLike)) else name_or_path
    if path.is_file():
        return path, str(name_or_path) if isinstance(name_or_path, (str, os.PathLike)) else path.name
    shipped = ", ".join(list_configs(kind))
    if isinstance(name_or_path, str) and _looks_like_name(name_or_path):
        raise InputError.at(
            f"unknown {noun}: not found among the shipped ones or as a file",
            value=name_or_path,
            expected=f"one of {shipped} or the path of a YAML file",
        )
    raise InputError.at(
        f"{noun} not found", file=str(name_or_path), expected=f"a YAML file or one of: {shipped}"
    )


def config_file(kind: str, name_or_path: str | os.PathLike | Traversable) -> Traversable:
    """The file a config source names: a shipped name (see :func:`list_configs`) or a path.

    A string that is the name of a shipped file of ``kind`` gives that file; any other string or
    path is a file of the user's.

    Raises
    ------
    InputError
        ``unknown <kind>`` for a name that is neither shipped nor a file, ``<kind> not found`` for a
        path that does not exist.

    Examples
    --------
    >>> config_file("maturity_models", "sme_digital_level").name
    'sme_digital_level.yaml'
    """
    return _resolve(kind, name_or_path)[0]


def config_source(kind: str, name_or_path: str | os.PathLike | Traversable) -> str:
    """How messages name a config file: a shipped one by its file name, a user file by its path as given.

    :func:`load_config` names the file so in its errors; model builders use the same name in theirs.

    Examples
    --------
    >>> config_source("index_systems", "real_economy")
    'real_economy.yaml'
    """
    return _resolve(kind, name_or_path)[1]


def parse_config(text: str, source: str) -> dict[str, Any]:
    """Parse the YAML text of a config file into a mapping; ``source`` names it in errors.

    Raises
    ------
    InputError
        Invalid YAML (with the line and column of the problem) or a document that is not a mapping.

    Examples
    --------
    >>> parse_config("code: x\\nweights: [1, 2]\\n", "x.yaml")
    {'code': 'x', 'weights': [1, 2]}
    >>> parse_config("code: [x\\n", "x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    industrial_brain.errors.InputError: x.yaml: not valid YAML at line 2, column 1: expected ',' or ']', ...
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is None:
            raise InputError(f"{source}: not valid YAML: {problem} (invalid YAML syntax)") from None
        line, col = mark.line + 1, mark.column + 1
        raise InputError(
            f"{source}: not valid YAML at line {line}, column {col}: {problem} "
            f"(invalid YAML syntax in row {line})"
        ) from None
    if not isinstance(data, dict):
        raise InputError.at(
            "the file must hold a YAML mapping (key: value lines)",
            file=source,
            value="an empty file" if data is None else type(data).__name__,
        )
    return data


def load_config(kind: str, name_or_path: str | os.PathLike | Traversable) -> dict[str, Any]:
    """Read and parse one config file: a shipped one by name, or a user file by path.

    Parameters
    ----------
    kind : {"index_systems", "maturity_models", "scenarios", "alarm_rules", "per_mu_rules"}
        See :data:`CONFIG_KINDS`.
    name_or_path : str, path or Traversable
        The name of a shipped file (see :func:`list_configs`) or the path of a YAML file.

    Returns
    -------
    dict
        The parsed YAML mapping (not yet validated: the engine's model builder does that).

    Raises
    ------
    InputError
        Unknown name, missing or unreadable file, invalid YAML (line and column), not a mapping; the
        message names the file (a shipped one by its file name, a user file by its path as given).

    Examples
    --------
    >>> load_config("scenarios", "chips_capacity_2020")["table"]
    'cn_nbs_io_2020_153'
    """
    file, source = _resolve(kind, name_or_path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(
            f"cannot read the {CONFIG_KINDS[kind]} file ({exc.__class__.__name__})", file=source
        ) from None
    return parse_config(text, source)


def require_mapping(data: Any, what: str, source: str | None, expected: str) -> Mapping[str, Any]:
    """``data`` if it is a mapping (parsed YAML) to validate as a ``what``, else an :class:`InputError`.

    The error names the file ``source``, the type found and the keys ``expected``.

    Examples
    --------
    >>> require_mapping([1, 2], "scenario", "x.yaml", "keys name, events")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    industrial_brain.errors.InputError: x.yaml: a scenario must be a YAML mapping ...
    """
    if not isinstance(data, Mapping):
        raise InputError.at(
            f"a {what} must be a YAML mapping", file=source, value=type(data).__name__, expected=expected
        )
    return data


def yaml_path(loc: Sequence[Any], is_tag: Callable[[str], bool] | None = None) -> str:
    """The YAML path of a pydantic error location, ``(top level)`` for an empty one.

    Integers are list positions; parts for which ``is_tag`` is true (union or validator tags that
    pydantic inserts) are left out.

    Examples
    --------
    >>> yaml_path(("dimensions", 2, "weight"))
    'dimensions[2].weight'
    >>> yaml_path(())
    '(top level)'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif is_tag is not None and is_tag(str(part)):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"
