# irisflow's image for hosts without an image registry or whose builds cannot
# reach the Go module proxy from a container: the binaries are built on the
# host (CGO off, as in the Dockerfile's build stage) and copied onto the
# local Debian base; the runtime stage is the Dockerfile's. Context: a
# directory holding irisflow, bridge, enricher, pivoter and writer.
ARG RUNTIME_IMAGE=local/debian:bookworm
FROM ${RUNTIME_IMAGE}
COPY irisflow bridge enricher pivoter writer /usr/local/bin/
USER 65532:65532
ENV IRISFLOW_HTTP_LISTEN=0.0.0.0:9090
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/irisflow"]
CMD ["run"]
