"""The station's second screen: a second bed window, for a second ward or a large ward's further
beds, with the station's alarm banner on it too (`second_ward` in the config)."""
