"""The lab's scripted drills: the registry, the steps they share, each drill, and how a
drill reaches a station window (its events file) and the class (its report)."""
