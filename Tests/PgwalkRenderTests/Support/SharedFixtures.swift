import Foundation

/// The streams recorded from the module, which PgwalkKitTests bundles as
/// its resources (Tests/PgwalkKitTests/Fixtures): found from this file's
/// place in the source tree, so that the two test targets share one copy.
enum SharedFixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // PgwalkRenderTests
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("PgwalkKitTests/Fixtures")
    }
}
