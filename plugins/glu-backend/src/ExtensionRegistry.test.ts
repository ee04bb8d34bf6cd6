import { ExtensionRegistry } from './ExtensionRegistry';

describe('ExtensionRegistry', () => {
  it('lists what was registered, by type', () => {
    const registry = new ExtensionRegistry<{ type: string }>('format');
    registry.add({ type: 'kustomize' }, { type: 'helm-values' });
    expect(registry.types()).toEqual(['helm-values', 'kustomize']);
    expect(registry.get('kustomize')).toEqual({ type: 'kustomize' });
    expect(registry.get('unknown')).toBeUndefined();
  });

  it('refuses a type registered twice', () => {
    const registry = new ExtensionRegistry<{ type: string }>('format');
    registry.add({ type: 'kustomize' });
    expect(() => registry.add({ type: 'kustomize' })).toThrow(
      "The Glu format 'kustomize' is registered twice",
    );
  });

  it('refuses additions once the backend has started', () => {
    const registry = new ExtensionRegistry<{ type: string }>('source');
    registry.freeze();
    expect(() => registry.add({ type: 'oci' })).toThrow(
      'Cannot add a Glu source after the backend has started',
    );
  });
});
