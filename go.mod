module github.com/wirewatch/wirewatch

go 1.26.0

replace (
	github.com/wirewatch/wirewatch/pkg/embedded => ./pkg/embedded
	github.com/wirewatch/wirewatch/pkg/events => ./pkg/events
	github.com/wirewatch/wirewatch/pkg/natstest => ./pkg/natstest
	github.com/wirewatch/wirewatch/pkg/stage => ./pkg/stage
	github.com/wirewatch/wirewatch/services/deduper => ./services/deduper
	github.com/wirewatch/wirewatch/services/extractor => ./services/extractor
	github.com/wirewatch/wirewatch/services/fetcher => ./services/fetcher
	github.com/wirewatch/wirewatch/services/sink => ./services/sink
)
