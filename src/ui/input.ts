/**
 * Keyboard (docs/interaction.md): up/down arrows zoom, left/right pan, shift+left/right spin the
 * camera about the vertical axis. Keys typed into the menu's inputs are left alone.
 */
import * as THREE from 'three';
import type { SceneView } from '../render/scene';

export function installKeys(scene: SceneView, extra: (e: KeyboardEvent) => boolean): void {
  window.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement | null;
    if (
      t &&
      (t.tagName === 'INPUT' ||
        t.tagName === 'TEXTAREA' ||
        t.tagName === 'SELECT' ||
        t.isContentEditable)
    )
      return;
    if (extra(e)) {
      e.preventDefault();
      return;
    }
    const cam = scene.camera;
    const target = scene.controls.target;
    const offset = new THREE.Vector3().subVectors(cam.position, target);
    let moved = true;
    switch (e.key) {
      case 'ArrowUp':
        offset.multiplyScalar(0.9);
        cam.position.copy(target).add(offset);
        break;
      case 'ArrowDown':
        offset.multiplyScalar(1 / 0.9);
        cam.position.copy(target).add(offset);
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const dir = e.key === 'ArrowLeft' ? -1 : 1;
        if (e.shiftKey) {
          offset.applyAxisAngle(new THREE.Vector3(0, 1, 0), (dir * Math.PI) / 36);
          cam.position.copy(target).add(offset);
        } else {
          const right = new THREE.Vector3().setFromMatrixColumn(cam.matrixWorld, 0);
          const step = right.multiplyScalar(dir * offset.length() * 0.05);
          cam.position.add(step);
          target.add(step);
        }
        break;
      }
      default:
        moved = false;
    }
    if (moved) {
      e.preventDefault();
      scene.controls.update();
      scene.invalidate();
      scene.onCameraEnd?.();
    }
  });
}
