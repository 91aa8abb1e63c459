"""``python -m cjmlib.grading.sandbox``: the kernel wrapper (see :func:`kernel.main`)."""

from cjmlib.grading.sandbox.kernel import main

main()
