/// The version of pgwalk's library and tool. Kept beside the stream decoder,
/// whose version errors name it, so that the decoder uses nothing above it.
public enum PgwalkKitVersion {
    /// The release, as `pgwalkctl --version` prints it.
    public static let string = "1.0.0"
}
