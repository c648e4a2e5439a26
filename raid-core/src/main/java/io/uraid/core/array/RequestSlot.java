package io.uraid.core.array;

import io.uraid.core.api.IoCallback;

/**
 * One slot of an array's Disruptor ring: what a producer publishes. The dispatcher copies it
 * into an {@link ArrayRequest} at once, because the ring reuses the slot as soon as the
 * dispatcher moves past it.
 */
final class RequestSlot {
    byte op;
    int flags;
    long offset;
    long length;
    long address;
    IoCallback callback;
    long tag;
}
