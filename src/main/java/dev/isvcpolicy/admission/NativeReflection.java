package dev.isvcpolicy.admission;

import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The classes Jackson reads and writes by reflection in {@link ReviewCodec} (the AdmissionReview envelope
 * and the Status of a refusal), kept in a native image. Everything else is read as JSON trees.
 */
@RegisterForReflection(targets = {AdmissionReview.class, AdmissionRequest.class, AdmissionResponse.class,
        GroupVersionKind.class, GroupVersionResource.class, UserInfo.class, Status.class, StatusDetails.class,
        StatusCause.class, ListMeta.class}, ignoreNested = false)
final class NativeReflection {

    private NativeReflection() {
    }
}
