"""Everything fogbank takes from botocore's data: service models, the routing catalog and the
overlay of facts the models lack (``extras/``)."""
