from . import test_extraction
from . import test_indexing
from . import test_search_knowledge
from . import test_semantic
from . import test_reindex
