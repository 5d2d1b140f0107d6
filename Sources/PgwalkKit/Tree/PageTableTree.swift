/// The page tables as the walker found them: each table it entered, with
/// the entries it saw there, nested as the tables are. What
/// `pgwalkctl walk --tree` shows.
///
/// Only what the walk visits is here: a table no VMA reaches is out of
/// scope, as it is for `walk_page_range()`, and a table's index range and
/// counts cover the entries the walker looked at. Folded levels (the p4d
/// with 4-level paging) have no tables of their own. Built by
/// ``PageTableTreeBuilder``.
public struct PageTableTree: Sendable {
    /// How many of a table's visited entries are of each sort. They add up
    /// to the entries visited.
    public struct Counts: Hashable, Sendable {
        /// Present entries that point to a table, or map a base page (PTEs).
        public var present: UInt64 = 0
        /// Present leaves above the PTE level (THP PMDs, PUD leaves).
        public var huge: UInt64 = 0
        /// Entries that are neither none nor present: swap, migration,
        /// markers, device, hwpoison.
        public var nonPresent: UInt64 = 0
        /// `p?d_none()` entries (PTEs, or holes the walker reported).
        public var none: UInt64 = 0

        /// All the visited entries.
        public var total: UInt64 { present + huge + nonPresent + none }
    }

    /// A table the walker entered, with what it found there.
    public struct Table: Sendable {
        /// The table's level (the level of the entries it holds).
        public var level: PageTableLevel
        /// The first address the table maps.
        public var start: UInt64
        /// The table's page frame, from the entry pointing to it; nil for
        /// the pgd (`mm->pgd` is not in the stream).
        public var frame: UInt64?
        /// The first index the walker visited.
        public var firstIndex: Int?
        /// The last index the walker visited.
        public var lastIndex: Int?
        /// The sorts of the entries visited.
        public var counts = Counts()
        /// The entries visited, in address order.
        public var items: [Item] = []
    }

    /// An entry pointing to a lower table: its slot, its raw value and the table.
    public struct Pointer: Sendable {
        /// The slot of the pointing entry in its table.
        public var index: Int
        /// The pointing entry's raw value.
        public var raw: UInt64
        /// What the module decoded from the pointing entry.
        public var info: EntryInfo
        /// The table it points to.
        public var table: Table
    }

    /// What a table holds, in address order: pointers to tables, and runs of
    /// alike entries folded as the rows of `walk` are (``MappingRow``).
    public enum Item: Sendable {
        case table(Pointer)
        case run(MappingRow, firstIndex: Int)
    }

    /// The pgd table, the root.
    public var root: Table
    /// hugetlb entries: `walk_hugetlb_range()` reports no upper level, so
    /// they hang from no table.
    public var hugetlb: [MappingRow] = []

    /// A tree whose pgd table is `root`.
    public init(root: Table) {
        self.root = root
    }
}
