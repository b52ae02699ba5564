"""Stage 4b, rules: compile the request schemas of the IR into Python validator source.

datamodel-code-generator drops `if`/`then`/`else`, `dependentRequired` and the like silently, so every keyword of a
request schema is compiled here into straight-line Python that follows JSON Schema 2020-12 exactly (a keyword
applies only to its instance type; `true` is not a number; 1.0 is an integer); the differential tests hold it to
the `jsonschema` package. The pieces, each one job:

- keywords.py, the keyword table: per keyword, its value's kind (values.py), the JSON type it constrains and the
  checks it compiles to (checks.py: Assert, Apply, Each, Branch), each with its test and its message; the
  compile functions sit by kind in value_keywords.py, object_keywords.py and applicator_keywords.py;
- jsonness.py, the checks that a place in the payload holds only values a client can send;
- valid.py, "is it valid?": the checks as expressions and `_valid_<name>` functions;
- violations.py, "what is wrong?": the checks as statements appending violations, in `_check_<name>` functions;
- module.py, names from the spec and functions written on demand; writer.py, indented blocks; literals.py,
  Python literals and type tests; compiler.py, the stage's entry point.

Import the entry point from `sunogen.rules.compiler`: this package imports nothing, so the check stage can read the
keyword table without the compiler's dependencies.
"""
