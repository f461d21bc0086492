"""The pure core of AidRegistry: values and rules with no Flask, SQLAlchemy or I/O."""
