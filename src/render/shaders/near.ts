/**
 * The near path of the matrix program (MODE_NEAR): balls ray-cast per pixel, for the part of a
 * matrix near the camera where balls drawn as geometry (ball.ts) would be too many. Uses the
 * matrix program's helpers (indexNear, lookAt, finish), so it is placed after them.
 */
export const nearPath = /* glsl */ `
#if MODE == MODE_NEAR
// The ball of the cell where the view ray crosses the matrix plane, and the ball of the cell where
// it enters the slab |z| <= R (a ball nearer the viewer may cover the first): the colour of the
// nearer hit, or discard when the ray hits neither.
vec3 nearBall(float R) {
  float colSize = uAxes.x, colGap = uAxes.y, rowSize = uAxes.z, rowGap = uAxes.w;
  vec3 ro = vCam;
  vec3 rd = normalize(vLocal - vCam);
  if (abs(rd.z) < 1e-6) discard;
  float tp = -ro.z / rd.z;
  vec2 q0 = (ro + rd * tp).xy;
  float te = (sign(ro.z) * R - ro.z) / rd.z;
  vec2 q1 = (ro + rd * te).xy;
  float bestT = 1e30;
  vec3 bestC = vec3(0.0);
  float bestRad = 1.0;
  vec3 rgb = vec3(0.0);
  ivec2 cell = ivec2(-1);
  for (int s = 0; s < 2; s++) {
    vec2 q = s == 0 ? q1 : q0;
    int c = indexNear(q.x, colSize, colGap, uShape.x, R);
    int r = indexNear(q.y, rowSize, rowGap, uShape.y, R);
    if (c < 0 || r < 0) continue;
    ivec2 here = ivec2(c, r);
    if (s == 1 && here == cell) continue;
#ifdef ANIM
    if (!shown(r, c)) continue;
#endif
    vec4 look = lookAt(here, 0);
    if (look.a == 0.0) continue;
    float rad = R * look.a;
    vec3 centre = vec3(posOf(c, colSize, colGap), posOf(r, rowSize, rowGap), 0.0);
    vec3 oc = ro - centre;
    float bq = dot(oc, rd);
    float disc = bq * bq - (dot(oc, oc) - rad * rad);
    if (disc < 0.0) continue;
    float th = -bq - sqrt(disc);
    if (th < bestT) {
      bestT = th; bestC = centre; bestRad = rad; rgb = look.rgb; cell = here;
    }
  }
  if (bestT >= 1e29) discard;
  // The normal in local space, turned into view space where the light is.
  vec3 n = normalize(normalMatrix * ((ro + rd * bestT - bestC) / bestRad));
  return finish(ballShade(rgb, n), cell);
}
#endif
`;
