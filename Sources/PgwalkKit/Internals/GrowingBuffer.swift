extension UnsafeMutableBufferPointer {
    /// Makes the buffer hold at least `count` elements, at most `limit`:
    /// when it is smaller, it is replaced by a new, uninitialized one whose
    /// size doubles from `initial` (its contents are dropped). A reader
    /// whose reads grow a few times reallocates a few times, and a small
    /// process's reads never leave the first size.
    mutating func grow(toHold count: Int, startingAt initial: Int, limit: Int = .max) {
        guard self.count < count else { return }
        var capacity = Swift.max(self.count, initial)
        while capacity < count { capacity *= 2 }
        deallocate()
        self = .allocate(capacity: Swift.min(capacity, limit))
    }
}
