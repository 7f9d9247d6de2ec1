"""The typed surface follows the code.

Each method is declared once in Rust (``src/client.rs``); the stub ``_native.pyi`` is
checked against what the extension really takes (``__text_signature__``: names, kinds,
order, defaults), ``AsyncClient`` must derive every method from ``Client``'s, and the
body's fields follow the core's list, so a stub that drifts from the code fails here."""

from __future__ import annotations

import ast
import asyncio
import inspect
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, get_type_hints

import pytest

import truto_ticketing as tt
from truto_ticketing import _async, _native, types
from truto_ticketing.types import CallOptions, NewUserFields

PACKAGE = Path(tt.__file__).parent
STUB = ast.parse((PACKAGE / "_native.pyi").read_text())
CLASSES = {node.name: node for node in STUB.body if isinstance(node, ast.ClassDef)}
#: The stub's classes the extension defines (``Client``, ``User``, ``Sandbox``, ...).
NATIVE_CLASSES = sorted(name for name in CLASSES if hasattr(_native, name))

#: A parameter as compared: name, kind, and default (``inspect.Parameter.empty`` for none).
Param = Tuple[str, Any, Any]
UNKNOWN = object()  # a default the text signature cannot show (``...``)


def functions(cls: ast.ClassDef) -> Dict[str, List[ast.FunctionDef]]:
    """The stub's methods (overloads together), properties left out."""
    found: Dict[str, List[ast.FunctionDef]] = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and not is_property(node):
            found.setdefault(node.name, []).append(node)
    return found


def is_property(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)


def is_overload(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "overload" for d in node.decorator_list)


def literal(node: Optional[ast.expr]) -> Any:
    if node is None:
        return inspect.Parameter.empty
    try:
        return ast.literal_eval(node)
    except ValueError:
        return UNKNOWN


def stub_params(node: ast.FunctionDef) -> List[Param]:
    """The stub's parameters, a ``**name: Unpack[TypedDict]`` spelled out: the
    ``CallOptions`` among its keys are keyword-only parameters (their defaults are the
    code's, left unknown here), and the user's fields remain ``**name``."""
    args = node.args
    positional = args.posonlyargs + args.args
    params: List[Param] = []
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in list(zip(positional, defaults))[1:]:  # without self
        params.append((arg.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, literal(default)))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append((arg.arg, inspect.Parameter.KEYWORD_ONLY, literal(default)))
    if args.kwarg is not None:
        annotation = ast.unparse(args.kwarg.annotation) if args.kwarg.annotation else ""
        keys: List[str] = []
        if annotation.startswith("Unpack["):
            keys = list(get_type_hints(getattr(types, annotation[len("Unpack[") : -1])))
        for key in keys:
            if key in CallOptions.__annotations__:
                params.append((key, inspect.Parameter.KEYWORD_ONLY, UNKNOWN))
        if not keys or any(key in NewUserFields.__annotations__ for key in keys):
            params.append((args.kwarg.arg, inspect.Parameter.VAR_KEYWORD, inspect.Parameter.empty))
    return params


def code_params(function: Any) -> List[Param]:
    params = list(inspect.signature(function).parameters.values())
    if params and params[0].name == "self":
        params = params[1:]
    # pyo3 makes the positional parameters positional-only; the stub does not say so.
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [
        (
            p.name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD if p.kind in positional else p.kind,
            UNKNOWN if p.default is Ellipsis else p.default,
        )
        for p in params
    ]


def agree(stub: List[Param], code: List[Param], overload: bool) -> bool:
    """Same names, kinds and order; a default the stub states is the code's (an overload
    may require what the code defaults)."""
    if [(name, kind) for name, kind, _ in stub] != [(name, kind) for name, kind, _ in code]:
        return False
    for (_, _, stub_default), (_, _, code_default) in zip(stub, code):
        if stub_default is inspect.Parameter.empty:
            if code_default is not inspect.Parameter.empty and not overload:
                return False
        elif code_default is inspect.Parameter.empty:
            return False
        elif UNKNOWN not in (stub_default, code_default) and stub_default != code_default:
            return False
    return True


@pytest.mark.parametrize("name", NATIVE_CLASSES)
def test_the_stub_lists_what_the_extension_defines(name: str) -> None:
    cls = getattr(_native, name)
    stub = CLASSES[name]
    in_code = {key: value for key, value in vars(cls).items() if not key.startswith("_")}
    methods = {key for key, value in in_code.items() if type(value).__name__ == "method_descriptor"}
    getters = {key for key, value in in_code.items() if type(value).__name__ == "getset_descriptor"}
    stub_methods = {key for key in functions(stub) if not key.startswith("_")}
    stub_getters = {node.name for node in stub.body if isinstance(node, ast.FunctionDef) and is_property(node)}
    if "__getattr__" not in functions(stub):  # NativeAsyncClient defers to Client's
        assert stub_methods == methods, f"{name}: stub {sorted(stub_methods)}, code {sorted(methods)}"
    assert stub_getters == getters, f"{name}: stub {sorted(stub_getters)}, code {sorted(getters)}"


@pytest.mark.parametrize("name", NATIVE_CLASSES)
def test_every_stub_signature_is_the_codes(name: str) -> None:
    cls = getattr(_native, name)
    checked = 0
    for method, nodes in functions(CLASSES[name]).items():
        if method == "__init__":
            function: Any = cls
        elif method.startswith("_") or not hasattr(cls, method):
            continue
        else:
            function = getattr(cls, method)
        try:
            code = code_params(function)
        except ValueError:  # no text signature: a class without a constructor
            continue
        for node in nodes:
            stub = stub_params(node)
            assert agree(stub, code, is_overload(node)), f"{name}.{method}:\n stub {stub}\n code {code}"
        checked += 1
    comparable = [m for m in functions(CLASSES[name]) if m == "__init__" or not m.startswith("_")]
    assert checked or not comparable, f"nothing of {name} was compared"


def client_methods() -> List[str]:
    return sorted(name for name in functions(CLASSES["Client"]) if not name.startswith("_") and name != "close")


def test_the_async_engine_takes_what_client_takes() -> None:
    for method in client_methods():
        native = getattr(_native.NativeAsyncClient, method)
        assert inspect.signature(native) == inspect.signature(getattr(tt.Client, method)), method


@pytest.mark.parametrize("method", client_methods())
def test_async_client_derives_each_method_from_client(method: str) -> None:
    returns = ast.unparse(functions(CLASSES["Client"])[method][0].returns or ast.Constant(None))
    derived = getattr(tt.AsyncClient, method)
    assert derived.__wrapped__ is getattr(tt.Client, method)
    assert inspect.signature(derived) == inspect.signature(getattr(tt.Client, method))
    # A call is a coroutine; an iteration returns an async iterator at once.
    assert asyncio.iscoroutinefunction(derived) == (returns not in ("UserListing", "BulkImport")), returns
    # ... and no signature is written out again in _async.py.
    assert f"def {method}(" not in inspect.getsource(_async)


def test_async_client_takes_clients_settings() -> None:
    assert code_params(tt.AsyncClient) == code_params(tt.Client)


def test_new_user_fields_are_the_cores() -> None:
    assert list(get_type_hints(NewUserFields)) == list(_native.NEW_USER_FIELDS)


def test_every_field_keyword_reaches_the_core() -> None:
    values: Dict[str, Any] = {
        "name": "Ada", "avatar": "https://example.com/a.png", "emails": [{"email": "a@b.c"}],
        "first_name": "Ada", "last_name": "Lovelace", "languages": ["en"], "nick_name": "A",
        "password": "pw", "remote_data": {"k": 1}, "roles": "owner", "status": "active",
        "team_ids": ["t"], "user_type": "admin", "username": "ada", "custom_fields": {"c": 2},
    }
    assert sorted(values) == sorted(_native.NEW_USER_FIELDS), "this test lists every field"
    assert tt.NewUser(**values).to_dict() == values


def test_the_fields_are_typed_keywords_listed_once() -> None:
    stub = (PACKAGE / "_native.pyi").read_text()
    # Client.create_user (4 overloads) and update_user take the fields and the options;
    # NewUser.__init__ the fields.
    assert stub.count("**fields: Unpack[UserKeywords]") == 5
    assert stub.count("**fields: Unpack[NewUserFields]") == 1
    takers = functions(CLASSES["Client"])["create_user"] + functions(CLASSES["Client"])["update_user"]
    for node in takers + functions(CLASSES["NewUser"])["__init__"]:
        for arg in node.args.kwonlyargs:
            assert arg.arg not in _native.NEW_USER_FIELDS, f"{arg.arg} is listed by hand in {node.name}"
